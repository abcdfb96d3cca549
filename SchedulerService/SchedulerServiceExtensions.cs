using Fleet.SchedulerService.Catalogue;

namespace Fleet.SchedulerService;

public static class SchedulerServiceExtensions
{
    /// <summary>The provider-events catalogue. Needs eventsdb registered first.</summary>
    public static IHostApplicationBuilder AddSchedulerService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CatalogueStore>();
        return builder;
    }
}
