using System.Diagnostics;
using System.Text.Json;
using Fleet.Gateway.Forwarding;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Health;

/// <summary>Asks every replica of a service for its <c>/health</c>, all at once, each within a short timeout.</summary>
public sealed class ServiceHealthProbe(IOptions<SystemHealthOptions> options) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    public async Task<SystemHealthReport> CheckAsync(IEnumerable<ServiceReplicas> services, CancellationToken cancellationToken)
    {
        var reports = await Task.WhenAll(services.Select(service => CheckAsync(service, cancellationToken)));
        var status = reports.Length == 0 ? HealthStatus.Healthy : reports.Min(report => report.Status);
        return new SystemHealthReport(status, reports.ToDictionary(report => report.Service));
    }

    /// <summary>Healthy when every replica is; Degraded while at least one still serves; else Unhealthy.</summary>
    public async Task<ServiceHealthReport> CheckAsync(ServiceReplicas service, CancellationToken cancellationToken)
    {
        var replicas = await Task.WhenAll(service.Replicas.Select(replica => CheckAsync(replica, cancellationToken)));
        var status = replicas.Length == 0 || replicas.All(replica => replica.Status == HealthStatus.Unhealthy)
            ? HealthStatus.Unhealthy
            : replicas.Min(replica => replica.Status) == HealthStatus.Healthy ? HealthStatus.Healthy : HealthStatus.Degraded;
        return new ServiceHealthReport(service.Id, status, replicas);
    }

    private async Task<ReplicaHealthReport> CheckAsync(Replica replica, CancellationToken cancellationToken)
    {
        var timeout = options.Value.Timeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        HealthStatus status;
        string? error = null;
        try
        {
            using var response = await _http.GetAsync(replica.Resolve("/health"), deadline.Token);
            var body = await response.Content.ReadAsStringAsync(deadline.Token);
            (status, error) = response.IsSuccessStatusCode
                ? (ReportsDegraded(body) ? HealthStatus.Degraded : HealthStatus.Healthy, null)
                : (HealthStatus.Unhealthy, $"HTTP {(int)response.StatusCode}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            (status, error) = (HealthStatus.Unhealthy, $"no answer within {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException e)
        {
            (status, error) = (HealthStatus.Unhealthy, e.HttpRequestError.ToString());
        }

        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        return new ReplicaHealthReport(replica.Name, status, Math.Round(elapsed, 1), error);
    }

    /// <summary>A 2xx answer is healthy unless its body (JSON <c>{"status":...}</c> or plain text) says Degraded.</summary>
    private static bool ReportsDegraded(string body)
    {
        var status = body.Trim();
        if (status.StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(status);
                status = json.RootElement.TryGetProperty("status", out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()!
                    : "";
            }
            catch (JsonException)
            {
                return false;
            }
        }

        return status.Equals(nameof(HealthStatus.Degraded), StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose() => _http.Dispose();
}
