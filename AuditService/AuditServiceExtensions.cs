using System.Text.Json;
using Fleet.AuditService.Data;
using Fleet.AuditService.Events.Intake;
using Fleet.AuditService.Events.Query;
using Fleet.AuditService.Events.Storage;
using Fleet.AuditService.Retention;

namespace Fleet.AuditService;

public static class AuditServiceExtensions
{
    /// <summary>Intake, storage and queries of audit events. Needs auditdb's data source and the broker registered first.</summary>
    public static IHostApplicationBuilder AddAuditService(this IHostApplicationBuilder builder)
    {
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AuditMetrics>();
        builder.Services.AddOptions<AuditStorageOptions>().BindConfiguration(AuditStorageOptions.SectionName);
        builder.Services.AddSingleton<AuditEventWriter>();
        builder.Services.AddHostedService<AuditEventConsumer>();
        builder.Services.AddSingleton<EventQueries>();
        builder.Services.AddSingleton<EventStats>();
        builder.Services.AddHostedService<PartitionMaintenance>();
        builder.Services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.SectionName);
        builder.Services.AddScoped<RetentionEnforcer>();
        return builder;
    }

    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder routes) => routes
        .MapIntakeEndpoints()
        .MapQueryEndpoints()
        .MapRetentionEndpoints();
}
