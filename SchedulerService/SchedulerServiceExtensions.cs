using Fleet.SchedulerService.Catalogue;
using Fleet.SchedulerService.Search;

namespace Fleet.SchedulerService;

public static class SchedulerServiceExtensions
{
    /// <summary>The provider-events catalogue and its search. Needs eventsdb and redis registered first.</summary>
    public static IHostApplicationBuilder AddSchedulerService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SearchOptions>().BindConfiguration(SearchOptions.SectionName);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CatalogueStore>();
        builder.Services.AddSingleton<CatalogueUpdater>();
        builder.Services.AddSingleton<PlanSearch>();
        builder.Services.AddSingleton<SearchCache>();
        return builder;
    }

    public static IEndpointRouteBuilder MapSchedulerEndpoints(this IEndpointRouteBuilder routes) => routes
        .MapSearchEndpoints();
}
