namespace Fleet.AppHost.Hosting.Runners;

/// <summary>The environment contract (the one Aspire uses): all a service learns of the system around it.</summary>
internal static class ServiceEnvironment
{
    public static Dictionary<string, string> For(ProjectResource project, int replica, DistributedApplicationOptions options)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = project.AllocatedEndpoints[replica].ToString().TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = options.EnvironmentName,
            ["DOTNET_ENVIRONMENT"] = options.EnvironmentName,
            ["OTEL_SERVICE_NAME"] = project.Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={project.Name}-{replica}",
            // Services log plain lines; the AppHost prefixes each with the instance name.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        if (options.OtlpEndpoint is { } otlp)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp.ToString().TrimEnd('/');
            environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        }
        foreach (var reference in project.References)
        {
            switch (reference)
            {
                case IResourceWithConnectionString source:
                    environment[$"ConnectionStrings__{source.Name}"] = source.ConnectionString;
                    break;
                case IResourceWithEndpoints service:
                    for (var i = 0; i < service.Endpoints.Count; i++)
                    {
                        environment[$"services__{service.Name}__http__{i}"] = service.Endpoints[i].ToString().TrimEnd('/');
                    }
                    break;
            }
        }
        foreach (var (name, value) in project.Environment)
        {
            environment[name] = value();
        }
        return environment;
    }
}
