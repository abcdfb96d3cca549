using Fleet.AppHost.LocalServers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Fleet.AppHost.Lifecycle;

public static class LifecycleExtensions
{
    /// <summary>Restarts resources marked with <see cref="WithRestartOnCrash{T}"/> when their process dies.</summary>
    public static IDistributedApplicationBuilder AddCrashRestarts(this IDistributedApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<CrashRestarter>();
        return builder;
    }

    public static IResourceBuilder<T> WithRestartOnCrash<T>(this IResourceBuilder<T> resource, RestartOnCrashAnnotation? policy = null)
        where T : IResource => resource.WithAnnotation(policy ?? new RestartOnCrashAnnotation(), ResourceAnnotationMutationBehavior.Replace);

    /// <summary>One line when every resource is healthy: where the gateway, the dashboard, RabbitMQ and the credentials are.</summary>
    public static IDistributedApplicationBuilder AddReadyLine(this IDistributedApplicationBuilder builder)
    {
        // Relative to the repository when the data lives in it (the README's ".fleet/secrets.json"), else in full.
        var secrets = DevelopmentSecrets.FilePath(builder);
        var relative = Path.GetRelativePath(Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..")), secrets);
        builder.Services.AddSingleton(new ReadyLine.Options(relative.StartsWith("..", StringComparison.Ordinal) ? secrets : relative));
        builder.Services.AddHostedService<ReadyLine>();
        return builder;
    }

    /// <summary>Stops start-up, saying which port and what to do, when a fixed port is already taken.</summary>
    public static IDistributedApplicationBuilder AddFixedPortCheck(this IDistributedApplicationBuilder builder)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            FixedPorts.EnsureFree(@event.Model, builder.Configuration);
            return Task.CompletedTask;
        });
        return builder;
    }
}
