using Fleet.AppHost.Lifecycle;

namespace Fleet.AppHost;

/// <summary>How the AppHost runs one of Fleet's services.</summary>
public static class FleetServiceExtensions
{
    /// <summary>
    /// A service project on an http endpoint of its own (a fixed <paramref name="port"/>, or a free one), reached
    /// directly rather than through the orchestrator's proxy, in the AppHost's environment, restarted if it crashes.
    /// With an <paramref name="issuer"/>, it checks tokens from AuthService. Healthy when <paramref name="healthPath"/> says so.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddFleetService<TProject>(this IDistributedApplicationBuilder builder,
        [ResourceName] string name, ReferenceExpression? issuer = null, int? port = null, string healthPath = "/health")
        where TProject : IProjectMetadata, new()
    {
        var service = builder.AddProject<TProject>(name)
            .WithHttpEndpoint(port: port, isProxied: false)
            .WithHttpHealthCheck(healthPath)
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", builder.Environment.EnvironmentName)
            // The dashboard stops with the AppHost, alongside the services. Told to retry a failed export (Aspire's
            // default), a stopping service retried the gone dashboard until the export timeout, for each of traces,
            // metrics and logs: 2.5 to 7 s per service on every Ctrl+C. Unretried, a refused export fails at once; all it
            // can lose is telemetry sent while the dashboard is down. Three seconds leave a loaded machine time to deliver.
            .WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"))
            .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "3000")
            .WithRestartOnCrash();
        return issuer is null ? service : service.WithEnvironment("Auth__Issuer", issuer);
    }

    /// <summary>
    /// <paramref name="count"/> copies of a service, each a resource of its own (<c>ingest-1</c>, <c>ingest-2</c>, …)
    /// reporting telemetry as one service. Callers address every copy and balance over them themselves (see
    /// docs/decisions): the orchestrator's replicas would all sit behind its proxy, which costs more CPU than the service
    /// and keeps a connection on one copy.
    /// </summary>
    public static ServiceReplicas AddFleetServiceReplicas<TProject>(this IDistributedApplicationBuilder builder,
        string name, int count, ReferenceExpression? issuer, Action<IResourceBuilder<ProjectResource>> configure)
        where TProject : IProjectMetadata, new()
    {
        var replicas = Enumerable.Range(1, count).Select(i =>
        {
            var replica = builder.AddFleetService<TProject>($"{name}-{i}", issuer)
                .WithEnvironment("OTEL_SERVICE_NAME", name);
            configure(replica);
            return replica;
        }).ToList();
        return new ServiceReplicas(name, replicas);
    }

    /// <summary>Service discovery for every copy: <c>services__{name}__http__{i}</c>, as a reference to a single service would give one.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> caller, ServiceReplicas service)
        where T : IResourceWithEnvironment
    {
        for (var i = 0; i < service.Replicas.Count; i++)
        {
            var replica = service.Replicas[i];
            caller.WithEnvironment($"services__{service.Name}__http__{i}", replica.GetEndpoint("http"));
            caller.WithRelationship(replica.Resource, "Reference");
        }
        return caller;
    }
}

/// <summary>The copies of one service, each addressed on its own.</summary>
public sealed record ServiceReplicas(string Name, IReadOnlyList<IResourceBuilder<ProjectResource>> Replicas);
