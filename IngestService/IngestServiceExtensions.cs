using System.Text.Json;
using Fleet.IngestService.Data;
using Fleet.IngestService.Rides.Analytics;
using Fleet.IngestService.Rides.Intake;
using Fleet.IngestService.Rides.Queue;
using Fleet.IngestService.Rides.Reads;
using Fleet.IngestService.Rides.Storage;
using Fleet.IngestService.Rides.Tracking;
using Fleet.IngestService.Telemetry;

namespace Fleet.IngestService;

public static class IngestServiceExtensions
{
    /// <summary>Ride intake, the queue, storage (the consumer), reads and analytics. Needs ridesdb and rabbitmq registered first.</summary>
    public static IHostApplicationBuilder AddIngestService(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.SectionName)
            .Validate(o => o.PartSize is > 0 and < (int)RideBatchWriter.PartStride, "PartSize must be 1 to 999,999").ValidateOnStart();
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.SectionName);
        // The XRides format is snake_case; so is everything this service answers.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<RideQueue>();
        builder.Services.AddSingleton<SharedRideMessages>();
        builder.Services.AddSingleton<RequestRecorder>();
        builder.Services.AddSingleton<RideIntake>();
        builder.Services.AddSingleton<RideBatchWriter>();
        builder.Services.AddHostedService<RideStorageConsumer>();
        builder.Services.AddSingleton<RideAnalytics>();
        return builder;
    }

    public static IEndpointRouteBuilder MapIngestEndpoints(this IEndpointRouteBuilder routes) => routes
        .MapIntakeEndpoints()
        .MapTrackingEndpoints()
        .MapRideReadEndpoints()
        .MapAnalyticsEndpoints();
}
