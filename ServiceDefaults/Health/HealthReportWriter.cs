using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Fleet.ServiceDefaults.Health;

/// <summary>
/// Writes a <see cref="HealthReport"/> as JSON:
/// <c>{"status":"Unhealthy","durationMs":3.1,"checks":{"ridesdb":{"status":"Unhealthy","description":"...","durationMs":2.9}}}</c>.
/// Exception messages (which can name hosts and users) are included only in Development.
/// </summary>
public static class HealthReportWriter
{
    public static async Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        var includeErrors = context.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment();

        context.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(context.Response.Body);

        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", entry.Status.ToString());
            if (entry.Description is not null)
            {
                json.WriteString("description", entry.Description);
            }
            json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 1));
            if (includeErrors && entry.Exception is not null)
            {
                json.WriteString("error", entry.Exception.Message);
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
        json.WriteEndObject();

        await json.FlushAsync(context.RequestAborted);
    }
}
