using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Fleet.AppHost.LocalServers;

internal static class TcpHealthCheck
{
    /// <summary>Healthy once the endpoint accepts a TCP connection: for a server with no protocol to ask.</summary>
    public static IResourceBuilder<T> WithTcpHealthCheck<T>(this IResourceBuilder<T> resource, IDistributedApplicationBuilder builder, Func<T, EndpointReference> endpoint)
        where T : IResource
    {
        var name = $"{resource.Resource.Name}_check";
        builder.Services.AddHealthChecks().AddAsyncCheck(name, async cancellationToken =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", endpoint(resource.Resource).Port, cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException ex)
            {
                return HealthCheckResult.Unhealthy(ex.Message);
            }
        });
        return resource.WithHealthCheck(name);
    }
}
