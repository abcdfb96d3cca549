namespace Fleet.AppHost.Hosting;

public static class RabbitMQBuilderExtensions
{
    /// <summary>A RabbitMQ broker, run from the Debian package with its data under the AppHost's data folder.</summary>
    public static IResourceBuilder<RabbitMQServerResource> AddRabbitMQ(this DistributedApplicationBuilder builder, string name)
    {
        var server = new RabbitMQServerResource(name) { ExistingConnectionString = builder.ExistingConnectionString(name) };
        server.StartTimeout = TimeSpan.FromSeconds(120);
        return builder.AddResource(server);
    }

    public static IResourceBuilder<RabbitMQServerResource> WithManagementPlugin(this IResourceBuilder<RabbitMQServerResource> builder)
    {
        builder.Resource.ManagementPluginEnabled = true;
        return builder;
    }
}
