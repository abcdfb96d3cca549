namespace Fleet.AppHost.Hosting;

public static class RedisBuilderExtensions
{
    /// <summary>A Redis server, run from the Debian package with its data under the AppHost's data folder.</summary>
    public static IResourceBuilder<RedisResource> AddRedis(this DistributedApplicationBuilder builder, string name)
    {
        var server = new RedisResource(name) { ExistingConnectionString = builder.ExistingConnectionString(name) };
        return builder.AddResource(server);
    }
}
