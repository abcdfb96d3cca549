using Microsoft.AspNetCore.Http.HttpResults;

namespace Fleet.IngestService.Rides.Intake;

/// <summary>The problem+json answers of intake. Nothing is queued when one is given (a 503 may follow parts already queued).</summary>
internal static class IntakeProblems
{
    public static ProblemHttpResult UnsupportedMediaType(string expected) => TypedResults.Problem(
        statusCode: StatusCodes.Status415UnsupportedMediaType,
        title: "Unsupported content type",
        detail: $"Send the rides as {expected}.",
        extensions: Errors("Content-Type", $"must be {expected}"));

    /// <summary>The request as a whole could not be read: <paramref name="field"/> names what was wrong (body, header, line N).</summary>
    public static ProblemHttpResult Unreadable(string field, string reason) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "The request could not be read",
        detail: $"{field}: {reason}. Nothing was queued.",
        extensions: Errors(field, reason));

    public static ProblemHttpResult TooManyRides(int max) => TypedResults.Problem(
        statusCode: StatusCodes.Status413RequestEntityTooLarge,
        title: "Too many rides in one request",
        detail: $"At most {max} rides per request; send the rest in further requests. Nothing was queued.",
        extensions: Errors("body", $"at most {max} rides"));

    public static ProblemHttpResult TooLarge(long maxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413RequestEntityTooLarge,
        title: "The request is too large",
        detail: $"At most {maxBytes} bytes per request. Nothing was queued.",
        extensions: Errors("body", $"at most {maxBytes} bytes"));

    /// <summary>
    /// Why a request read to its end is refused, or null when it is taken: a row broke the rules and the request is all
    /// or nothing, or no row at all is left to queue.
    /// </summary>
    public static ProblemHttpResult? Refusal(RowErrors errors, int rowsReceived, int rowsAccepted, bool partial) =>
        errors.Rows > 0 && (!partial || rowsAccepted == 0) ? InvalidRows(errors, rowsReceived, partial)
        : rowsAccepted == 0 ? NoRides()
        : null;

    /// <summary>Rows broke the rules; <c>row_errors</c> lists row, field and reason (the first few), <c>invalid_rows</c> counts them all.</summary>
    private static ProblemHttpResult InvalidRows(RowErrors errors, int rowsReceived, bool partial) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: partial ? "No row of the request is valid" : "The request has invalid rows",
        detail: $"{errors.Rows} of {rowsReceived} rows are invalid ({errors.Count} errors, {errors.Listed.Count} listed). Nothing was queued" +
            (partial ? "." : "; send the request again with ?partial=true to queue the valid rows only."),
        extensions: new Dictionary<string, object?>
        {
            ["rows_received"] = rowsReceived,
            ["invalid_rows"] = errors.Rows,
            ["error_count"] = errors.Count,
            ["row_errors"] = errors.Listed,
        });

    private static ProblemHttpResult NoRides() => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "The request has no ride",
        detail: "Send at least one ride. Nothing was queued.",
        extensions: Errors("body", "at least one ride is required"));

    /// <summary>The broker did not take the rides: nothing the caller may count on was queued. Retry-After is set by the caller.</summary>
    public static ProblemHttpResult BrokerUnavailable() => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Rides cannot be queued right now",
        detail: "The message broker did not confirm the rides, so they were not acknowledged. Send the request again later; rides sent twice are stored once.");

    private static Dictionary<string, object?> Errors(string field, string reason) =>
        new() { ["errors"] = new Dictionary<string, string[]> { [field] = [reason] } };
}
