using System.Text.Json;
using Fleet.SchedulerService.Catalogue;
using Fleet.SchedulerService.Jobs;
using Fleet.SchedulerService.Jobs.Http;
using Fleet.SchedulerService.Search;
using Fleet.ServiceDefaults.Messaging;

namespace Fleet.SchedulerService;

public static class SchedulerServiceExtensions
{
    /// <summary>The cron jobs, the provider-events catalogue and its search. Needs eventsdb and redis registered first.</summary>
    public static IHostApplicationBuilder AddSchedulerService(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.SectionName)
            .Validate(o => o.Jobs.Values.All(job => IsCron(job.Cron)), "Every job needs a valid cron expression")
            .Validate(o => o.Jobs.Values.All(job => job.Message is null || job.Http is null), "A job is a message or an HTTP call, not both")
            .Validate(o => o.Jobs.Values.All(job => job.Http is null || (job.Http.Url is { IsAbsoluteUri: true } && job.Http.Scope.Length > 0)),
                "An HTTP job needs an absolute Url and a Scope")
            .Validate<IServiceProviderIsKeyedService>((o, registered) => o.Jobs.Keys.All(name => registered.IsKeyedService(typeof(IScheduledJob), name)),
                "Every job in Scheduler:Jobs needs its work registered under its name (AddScheduledJob)")
            .ValidateOnStart();
        builder.Services.AddSingleton<SchedulerMetrics>();
        builder.Services.AddSingleton<JobRunner>();
        builder.AddJobsOfOtherServices();
        builder.Services.AddHostedService<JobScheduler>();
        builder.Services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CatalogueStore>();
        builder.Services.AddSingleton<CatalogueUpdater>();
        builder.Services.AddSingleton<PlanSearch>();
        builder.Services.AddSingleton<SearchCache>();

        builder.Services.AddOptions<ProviderOptions>().BindConfiguration(ProviderOptions.SectionName);
        builder.AddScheduledJob<ProviderEventsJob>(ProviderEventsJob.Name);
        // The provider is slow and fails by design: attempts of their own timeout, retried with jittered backoff, and a
        // circuit breaker that stops asking for a while after most attempts failed. Not the defaults every client gets.
        var provider = builder.Configuration.GetSection(ProviderOptions.SectionName).Get<ProviderOptions>() ?? new();
#pragma warning disable EXTEXP0001 // the one way to take the default handler off one client
        builder.Services.AddHttpClient(ProviderEventsJob.HttpClientName)
            .RemoveAllResilienceHandlers()
            .AddStandardResilienceHandler(resilience =>
            {
                resilience.AttemptTimeout.Timeout = provider.AttemptTimeout;
                resilience.Retry.MaxRetryAttempts = Math.Max(1, provider.Retries); // the handler asks for at least one
                if (provider.Retries == 0)
                {
                    resilience.Retry.ShouldHandle = _ => ValueTask.FromResult(false);
                }
                resilience.Retry.UseJitter = true;
                resilience.Retry.Delay = TimeSpan.FromSeconds(1);
                resilience.TotalRequestTimeout.Timeout = provider.AttemptTimeout * (provider.Retries + 1) + TimeSpan.FromSeconds(10);
                resilience.CircuitBreaker.SamplingDuration = provider.AttemptTimeout * 2;
            });
#pragma warning restore EXTEXP0001
        return builder;
    }

    /// <summary>A job's work, run by <see cref="JobScheduler"/> as <c>Scheduler:Jobs:&lt;name&gt;</c> says.</summary>
    public static IHostApplicationBuilder AddScheduledJob<TJob>(this IHostApplicationBuilder builder, string name)
        where TJob : class, IScheduledJob
    {
        builder.Services.AddKeyedSingleton<IScheduledJob, TJob>(name);
        return builder;
    }

    /// <summary>Jobs whose work another service does need no code here: their work is registered from configuration.</summary>
    private static void AddJobsOfOtherServices(this IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetSection(SchedulerOptions.SectionName).Get<SchedulerOptions>() ?? new();
        foreach (var (name, job) in configured.Jobs)
        {
            if (job.Message is { } message)
            {
                builder.Services.AddKeyedSingleton<IScheduledJob>(name, (services, _) => new MessageJob(name, message,
                    services.GetRequiredService<RabbitMQPublisher>(), services.GetRequiredService<TimeProvider>()));
            }
            else if (job.Http is { } call)
            {
                builder.Services.AddKeyedSingleton<IScheduledJob>(name, (services, _) => new HttpJob(name, call,
                    services.GetRequiredService<ServiceTokens>(), services.GetRequiredService<IHttpClientFactory>()));
            }
        }

        builder.Services.AddSingleton<ServiceTokens>();
        // The job's timeout bounds the call and its next tick is the retry: no resilience handler of its own.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(HttpJob.HttpClientName, http => (http.Timeout, http.MaxResponseContentBufferSize) = (Timeout.InfiniteTimeSpan, 1 << 20))
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
    }

    public static IEndpointRouteBuilder MapSchedulerEndpoints(this IEndpointRouteBuilder routes) => routes
        .MapSearchEndpoints()
        .MapJobEndpoints();

    private static bool IsCron(string cron)
    {
        try
        {
            JobSchedule.Parse(cron);
            return true;
        }
        catch (Cronos.CronFormatException)
        {
            return false;
        }
    }
}
