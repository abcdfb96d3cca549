using System.Security.Cryptography;
using System.Text;
using Fleet.AppHost.Hosting.Runners;

namespace Fleet.AppHost.Hosting;

/// <summary>Settles what each resource needs before anything runs: ports, passwords, data folders.</summary>
internal static class ResourcePlacement
{
    /// <returns>Problems found (a fixed port in use), reported with the other prerequisites at start.</returns>
    public static List<string> Apply(IReadOnlyList<Resource> resources, DistributedApplicationOptions options, SecretStore secrets)
    {
        var ports = new PortAllocator(options.PersistPorts ? Path.Combine(options.DataDirectory, "ports.json") : null, options.RandomizePorts);
        foreach (var server in resources.OfType<ServerResource>().Where(s => !s.IsExisting))
        {
            server.Port = ports.Allocate(server.Name);
            server.Password = secrets.Get(server.Name);
            server.DataDirectory = Path.Combine(options.DataDirectory, server.Name);
            if (server is PostgresServerResource && !PostgresRunner.ServiceUserCanReach(options.DataDirectory))
            {
                server.DataDirectory = UnreachableFallback(server.DataDirectory);
            }
            if (server is RabbitMQServerResource rabbit)
            {
                rabbit.ManagementPort = ports.Allocate($"{rabbit.Name}-management");
                rabbit.DistributionPort = ports.Allocate($"{rabbit.Name}-distribution");
                rabbit.EpmdPort = ports.Allocate($"{rabbit.Name}-epmd");
            }
        }
        foreach (var parameter in resources.OfType<ParameterResource>().Where(p => p.Value.Length == 0))
        {
            parameter.Value = secrets.Get(parameter.Name);
        }
        foreach (var project in resources.OfType<ProjectResource>())
        {
            project.AllocatedEndpoints.Clear();
            for (var replica = 0; replica < project.Replicas; replica++)
            {
                var port = ports.Allocate(project.Replicas > 1 ? $"{project.Name}-{replica}" : project.Name, project.FixedPort);
                project.AllocatedEndpoints.Add(new Uri($"http://127.0.0.1:{port}"));
            }
        }
        ports.Save();
        return ports.Problems;
    }

    /// <summary>
    /// PostgreSQL runs as the 'postgres' user, who cannot enter a checkout under a private folder such as /root.
    /// Its data then lives in a folder of its own under /var/tmp, one per checkout, still kept across runs.
    /// </summary>
    private static string UnreachableFallback(string dataDirectory)
    {
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(dataDirectory)))[..12].ToLowerInvariant();
        var fallback = Path.Combine("/var/tmp", $"fleet-postgres-{key}");
        System.Console.Error.WriteLine($"note: the 'postgres' user cannot reach {dataDirectory}; PostgreSQL keeps its data in {fallback} instead.");
        return fallback;
    }
}
