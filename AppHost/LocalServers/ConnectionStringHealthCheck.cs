using Microsoft.Extensions.DependencyInjection;

namespace Fleet.AppHost.LocalServers;

internal static class ConnectionStringHealthCheck
{
    /// <summary>
    /// Registers the health check Aspire's own integrations would (<paramref name="register"/> adds it, named as given)
    /// and attaches it to the resource. The check reads the connection string, which is known only once the resource's
    /// <see cref="ConnectionStringAvailableEvent"/> has fired.
    /// </summary>
    public static IResourceBuilder<T> WithConnectionStringHealthCheck<T>(this IResourceBuilder<T> resource,
        Action<IHealthChecksBuilder, string, Func<string>> register)
        where T : IResourceWithConnectionString
    {
        string? connectionString = null;
        var name = resource.Resource.Name;
        resource.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(resource.Resource, async (_, cancellationToken) =>
            connectionString = await resource.Resource.ConnectionStringExpression.GetValueAsync(cancellationToken));
        register(resource.ApplicationBuilder.Services.AddHealthChecks(), $"{name}_check",
            () => connectionString ?? throw new InvalidOperationException($"{name}: connection string not available yet"));
        return resource.WithHealthCheck($"{name}_check");
    }
}
