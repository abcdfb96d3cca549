using System.Text.Json.Serialization;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.Gateway.Health;

public sealed record SystemHealthReport(
    [property: JsonConverter(typeof(JsonStringEnumConverter<HealthStatus>))] HealthStatus Status,
    IReadOnlyDictionary<string, ServiceHealthReport> Services);

public sealed record ServiceHealthReport(
    string Service,
    [property: JsonConverter(typeof(JsonStringEnumConverter<HealthStatus>))] HealthStatus Status,
    IReadOnlyList<ReplicaHealthReport> Replicas);

/// <summary>One replica's answer; <c>Error</c> says why it is unhealthy, without revealing its address.</summary>
public sealed record ReplicaHealthReport(
    string Name,
    [property: JsonConverter(typeof(JsonStringEnumConverter<HealthStatus>))] HealthStatus Status,
    double DurationMs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);
