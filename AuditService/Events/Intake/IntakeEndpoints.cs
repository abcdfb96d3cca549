using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Fleet.AuditService.Events.Storage;
using Fleet.ServiceDefaults.Audit;
using Fleet.ServiceDefaults.Authentication;
using Fleet.ServiceDefaults.Messaging;
using Microsoft.AspNetCore.Http.HttpResults;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Fleet.AuditService.Events.Intake;

public static class IntakeEndpoints
{
    public const int MaxBatch = 1_000;

    /// <summary>A full batch with 16 KiB of details in each event fits; the gateway's audit route allows the same.</summary>
    public const long MaxBodyBytes = 32L << 20;

    /// <summary>How long the broker may take to confirm before the caller is told 503 (and may send again: ids make it safe).</summary>
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(10);

    public static IEndpointRouteBuilder MapIntakeEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/audit/events", AcceptAsync)
            .RequireAuthorization(FleetPolicies.AuditWrite) // a bearer token or an X-Api-Key with audit:write
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBodyBytes))
            .WithTags("Audit intake")
            .WithSummary("Submit one audit event or an array of up to 1,000: 202 once the broker holds them")
            .Accepts<JsonElement>("application/json")
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }

    public sealed record AcceptedEvents(int Accepted, IReadOnlyList<Guid> Ids);

    private static async Task<Results<Accepted<AcceptedEvents>, ValidationProblem, ProblemHttpResult>> AcceptAsync(
        HttpRequest request, ClaimsPrincipal caller, RabbitMQPublisher publisher, AuditMetrics metrics, TimeProvider time, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(title: "Unsupported media type", detail: "Send application/json: one event, or an array of them.",
                statusCode: StatusCodes.Status415UnsupportedMediaType);
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException exception)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = [$"Not JSON: {exception.Message}"] });
        }

        using (document)
        {
            var root = document.RootElement;
            var batch = root.ValueKind == JsonValueKind.Array;
            var events = batch ? [.. root.EnumerateArray()] : new[] { root };
            if (events.Length is 0 or > MaxBatch)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["$"] = [$"A batch holds 1 to {MaxBatch} events."] });
            }

            var now = time.GetUtcNow();
            var errors = new Dictionary<string, string[]>();
            for (var i = 0; i < events.Length; i++)
            {
                SubmittedEvents.Check(events[i], batch ? $"[{i}]" : "", now, errors);
            }
            if (errors.Count > 0)
            {
                metrics.Rejected(events.Length);
                return TypedResults.ValidationProblem(errors, detail: batch ? "Nothing in the batch was stored: every event must be valid." : null);
            }

            var (body, ids) = Normalise(events, now);
            var properties = new BasicProperties
            {
                ContentType = "application/json",
                Headers = new Dictionary<string, object?> { [AuditEventConsumer.SubmittedByHeader] = Encoding.UTF8.GetBytes(caller.FindFirst(FleetClaims.Subject)?.Value ?? "") },
            };
            try
            {
                using var confirm = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                confirm.CancelAfter(ConfirmTimeout);
                await publisher.PublishAsync(FleetExchanges.Audit, "audit.intake", body, properties, mandatory: true, confirm.Token);
            }
            catch (Exception exception) when (exception is MessagePublishException or RabbitMQClientException or IOException
                || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                request.HttpContext.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem(title: "Audit queue unavailable", detail: "Nothing was accepted; send the events again shortly.",
                    statusCode: StatusCodes.Status503ServiceUnavailable);
            }

            metrics.Accepted(events.Length);
            return TypedResults.Accepted((string?)null, new AcceptedEvents(events.Length, ids));
        }
    }

    private static (byte[] Body, List<Guid> Ids) Normalise(JsonElement[] events, DateTimeOffset receivedAt)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var submitted in events)
            {
                SubmittedEvents.WriteNormalised(submitted, receivedAt, writer);
            }
            writer.WriteEndArray();
        }
        var body = buffer.ToArray();
        using var written = JsonDocument.Parse(body);
        return (body, [.. written.RootElement.EnumerateArray().Select(e => e.GetProperty("id").GetGuid())]);
    }
}
