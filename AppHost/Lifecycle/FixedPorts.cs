using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace Fleet.AppHost.Lifecycle;

/// <summary>The ports the AppHost was told to use (the gateway's, the dashboard's) must be free before anything starts.</summary>
internal static class FixedPorts
{
    public static void EnsureFree(DistributedApplicationModel model, IConfiguration configuration)
    {
        var fixedPorts = model.Resources
            .SelectMany(r => r.Annotations.OfType<EndpointAnnotation>().Where(e => e.Port is not null).Select(e => (Port: e.Port!.Value, Owner: r.Name)))
            .Concat(DashboardPorts(configuration));
        foreach (var (port, owner) in fixedPorts)
        {
            if (!IsFree(port))
            {
                var hint = owner == "gateway" ? " or choose another with --GatewayPort <port>" : "";
                throw new DistributedApplicationException(
                    $"Port {port} ({owner}) is already in use. Stop what listens there (ss -ltnp 'sport = :{port}' shows it){hint}.");
            }
        }
    }

    private static IEnumerable<(int Port, string Owner)> DashboardPorts(IConfiguration configuration) =>
        new[] { configuration["ASPNETCORE_URLS"], configuration["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"], configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] }
            .SelectMany(urls => (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            .Select(url => Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Port > 0 ? uri.Port : 0)
            .Where(port => port > 0)
            .Select(port => (port, "dashboard"));

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
