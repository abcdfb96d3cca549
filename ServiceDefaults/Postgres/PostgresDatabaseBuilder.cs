using Microsoft.Extensions.Hosting;

namespace Fleet.ServiceDefaults.Postgres;

/// <summary>What <c>AddNpgsqlDataSource</c> returns, so that database features chain onto it.</summary>
public sealed class PostgresDatabaseBuilder
{
    internal PostgresDatabaseBuilder(IHostApplicationBuilder hostBuilder, string connectionName)
    {
        HostBuilder = hostBuilder;
        ConnectionName = connectionName;
    }

    public IHostApplicationBuilder HostBuilder { get; }

    /// <summary>The name of the connection string, which is also the health check's name.</summary>
    public string ConnectionName { get; }
}
