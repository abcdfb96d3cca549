namespace Fleet.AppHost.LocalServers;

/// <summary>
/// A server that is already running somewhere, named by <c>ConnectionStrings:{name}</c>: nothing is started for it,
/// and only its health is watched.
/// </summary>
public class ExistingServerResource(string name, string connectionString) : Resource(name), IResourceWithConnectionString
{
    public ReferenceExpression ConnectionStringExpression { get; } = ReferenceExpression.Create($"{connectionString}");
}

internal static class ExistingServerExtensions
{
    public static IResourceBuilder<T> AddExistingServer<T>(this IDistributedApplicationBuilder builder, T server)
        where T : ExistingServerResource =>
        builder.AddResource(server)
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "Existing server", State = KnownResourceStates.NotStarted, Properties = [] })
            .OnInitializeResource(async (resource, @event, cancellationToken) =>
            {
                await @event.Eventing.PublishAsync(new BeforeResourceStartedEvent(resource, @event.Services), cancellationToken);
                // Running lets its health checks start; WaitFor then waits for them.
                await @event.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Running });
                await @event.Eventing.PublishAsync(new ConnectionStringAvailableEvent(resource, @event.Services), cancellationToken);
            });
}
