using System.Diagnostics;
using Fleet.AppHost.LocalServers;
using Fleet.AppHost.LocalServers.RabbitMQ;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Fleet.AppHost.Lifecycle;

/// <summary>Waits until every resource is healthy, then says in one line where everything is.</summary>
internal sealed class ReadyLine(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    IConfiguration configuration,
    ReadyLine.Options options,
    DistributedApplicationExecutionContext execution,
    ILogger<ReadyLine> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!execution.IsRunMode)
        {
            return;
        }
        // Hidden resources (the dashboard, the rebuilders) are Aspire's own; parameters have no process.
        await Task.WhenAll(model.Resources.Where(r => r is not ParameterResource).Select(r => notifications.WaitForResourceAsync(r.Name,
            e => e.Snapshot.IsHidden || (e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus == HealthStatus.Healthy),
            stoppingToken)));

        var elapsed = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var parts = new List<string> { $"gateway {Url("gateway")}" };
        if (configuration["ASPNETCORE_URLS"]?.Split(';')[0] is { Length: > 0 } dashboard && model.Resources.Any(r => r.Name == "aspire-dashboard"))
        {
            parts.Add($"dashboard {dashboard}");
        }
        if (model.Resources.OfType<RabbitMQServerResource>().FirstOrDefault() is { } broker)
        {
            parts.Add($"RabbitMQ management {broker.Management.Url}/ (user {RabbitMQServerResource.UserName})");
        }
        if (model.Resources.OfType<ParameterResource>().Any(p => p.Secret))
        {
            parts.Add($"development credentials in {options.SecretsFile}");
        }
        logger.LogInformation("Fleet is ready in {Seconds:0.0} s: {Where}", elapsed.TotalSeconds, string.Join(" | ", parts));

        string Url(string name) => model.Resources.OfType<ProjectResource>().First(p => p.Name == name).GetEndpoint("http").Url + "/";
    }

    public sealed record Options(string SecretsFile);
}
