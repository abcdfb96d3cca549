using Fleet.ServiceDefaults.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;

namespace Fleet.IngestService.Rides.Intake;

/// <summary>
/// <c>POST /rides</c> (JSON) and <c>POST /rides/csv</c> (the operator's CSV export): 202 once the broker has confirmed
/// the rides as persisted, with <c>Location: /rides/requests/{trackingId}</c>. <c>?partial=true</c> queues the valid rows
/// and reports the others; otherwise one invalid row refuses the request whole.
/// </summary>
public static class IntakeEndpoints
{
    public static IEndpointRouteBuilder MapIntakeEndpoints(this IEndpointRouteBuilder routes)
    {
        var rides = routes.MapGroup("/rides").WithTags("Ride intake").RequireAuthorization(FleetPolicies.RidesWrite);
        rides.MapPost("/", JsonIntake.AcceptAsync)
            .DocumentBody("application/json", new OpenApiSchema { Description = "One ride object, or an array of rides (snake_case fields)" })
            .Produces<Acknowledgement>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413RequestEntityTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        rides.MapPost("/csv", CsvIntake.AcceptAsync)
            .DocumentBody("text/csv", new OpenApiSchema { Type = JsonSchemaType.String, Description = "The operator's CSV export, header line first" })
            .Produces<Acknowledgement>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status413RequestEntityTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .WithMetadata(new DisableRequestSizeLimitAttribute()); // CsvIntake counts the bytes itself, against IntakeOptions.MaxCsvBytes
        return routes;
    }

    /// <summary>
    /// Documents the body the handler reads itself. Not <c>.Accepts()</c>: routing would then answer another content type
    /// with a bare 415 before the handler could say which one it takes.
    /// </summary>
    private static RouteHandlerBuilder DocumentBody(this RouteHandlerBuilder builder, string contentType, OpenApiSchema schema) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType> { [contentType] = new() { Schema = schema } },
            };
            return Task.CompletedTask;
        });
}
