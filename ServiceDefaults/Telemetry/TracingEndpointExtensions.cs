using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;

namespace Fleet.ServiceDefaults.Telemetry;

internal static class TracingEndpointExtensions
{
    /// <summary>
    /// Drops the request's server span (and, through parent-based sampling, its children) from
    /// export. Probes hit <c>/health</c> and <c>/alive</c> every few seconds and would drown the
    /// traces that matter.
    /// </summary>
    public static TBuilder ExcludeFromTracing<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var next = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = context =>
            {
                if (context.Features.Get<IHttpActivityFeature>()?.Activity is { } activity)
                {
                    activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                }
                return next(context);
            };
        });
        return builder;
    }
}
