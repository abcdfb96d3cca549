using System.Text.Json;
using Fleet.SchedulerService.Catalogue;
using Fleet.SchedulerService.Jobs;
using Fleet.SchedulerService.Search;

namespace Fleet.SchedulerService;

public static class SchedulerServiceExtensions
{
    /// <summary>The cron jobs, the provider-events catalogue and its search. Needs eventsdb and redis registered first.</summary>
    public static IHostApplicationBuilder AddSchedulerService(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.SectionName)
            .Validate(o => o.Jobs.Values.All(job => IsCron(job.Cron)), "Every job needs a valid cron expression").ValidateOnStart();
        builder.Services.AddSingleton<JobRunner>();
        builder.Services.AddHostedService<JobScheduler>();
        builder.Services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CatalogueStore>();
        builder.Services.AddSingleton<CatalogueUpdater>();
        builder.Services.AddSingleton<PlanSearch>();
        builder.Services.AddSingleton<SearchCache>();
        return builder;
    }

    /// <summary>A job's work, run by <see cref="JobScheduler"/> as <c>Scheduler:Jobs:&lt;name&gt;</c> says.</summary>
    public static IHostApplicationBuilder AddScheduledJob<TJob>(this IHostApplicationBuilder builder, string name)
        where TJob : class, IScheduledJob
    {
        builder.Services.AddKeyedSingleton<IScheduledJob, TJob>(name);
        return builder;
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
