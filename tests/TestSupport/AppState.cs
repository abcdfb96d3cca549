using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Fleet.Testing;

public static class AppState
{
    /// <summary>One line per resource: state, health and failing checks; for the message of a test that failed.</summary>
    public static string Describe(DistributedApplication app)
    {
        var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        return string.Join(Environment.NewLine, model.Resources.Where(r => r is not ParameterResource).Select(r =>
            notifications.TryGetCurrentState(r.Name, out var e)
                ? $"{r.Name}: {e.Snapshot.State?.Text} {e.Snapshot.HealthStatus} exit={e.Snapshot.ExitCode} " +
                  string.Join("; ", e.Snapshot.HealthReports.Where(h => h.Status != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
                      .Select(h => $"{h.Name}: {h.Description} {h.ExceptionText?.Split('\n')[0]}"))
                : $"{r.Name}: (no state)"));
    }
}
