using System.Security.Claims;
using Fleet.IngestService.Rides.Queue;
using Microsoft.Net.Http.Headers;
using nietras.SeparatedValues;

namespace Fleet.IngestService.Rides.Intake;

/// <summary>
/// <c>POST /rides/csv</c>: the operator's CSV export as it is, read as it arrives, in bounded memory whatever its size.
/// With <c>?partial=true</c> the valid rows are queued part by part as they are read. Otherwise the request is all or
/// nothing: its parts wait on disk until the last line was read and every row passed, and are queued only then.
/// </summary>
internal static class CsvIntake
{
    private static readonly SepReaderOptions Csv = Sep.New(',').Reader(options => options with
    {
        HasHeader = true,
        DisableQuotesParsing = true, // the export never quotes; a stray quote stays a character of its field
        DisableColCountCheck = true, // a short or long row is reported as such, with the others
        ColNameComparer = StringComparer.OrdinalIgnoreCase,
    });

    public static async Task<IResult> AcceptAsync(HttpContext context, ClaimsPrincipal caller, RideIntake intake, bool partial = false)
    {
        var request = context.Request;
        var cancellationToken = context.RequestAborted;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !(contentType.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase)
                 || contentType.MediaType.Equals("application/csv", StringComparison.OrdinalIgnoreCase)))
        {
            return IntakeProblems.UnsupportedMediaType("text/csv");
        }
        var options = intake.Options;
        if (request.ContentLength > options.MaxCsvBytes)
        {
            return IntakeProblems.TooLarge(options.MaxCsvBytes);
        }

        var body = new CsvLimits(request.Body, options.MaxCsvLineLength, options.MaxCsvBytes);
        await using var session = intake.Begin(partial ? IntakeMode.Queue : IntakeMode.Spool, caller, "csv");
        var errors = new RowErrors(options.MaxErrorsListed);
        var scratch = new List<RowError>();
        var rowsReceived = 0;
        try
        {
            using var csv = await Csv.FromAsync(body, cancellationToken);
            if (csv.Header.ColNames.Count == 0 || csv.Header.ColNames is [""])
            {
                return IntakeProblems.Unreadable("body", "is empty; send the export with its header line");
            }
            if (RideCsvReader.For(csv.Header, out var headerProblem) is not { } rides)
            {
                return IntakeProblems.Unreadable("header", headerProblem!);
            }
            await foreach (var row in csv.WithCancellation(cancellationToken))
            {
                if (row.Span.Trim().IsEmpty)
                {
                    continue; // a blank line, such as the one after the last newline
                }
                var ride = rides.Read(row, ++rowsReceived, scratch);
                errors.Take(scratch);
                // All or nothing: after the first bad row only the errors matter.
                if (ride is not null && (partial || errors.Rows == 0))
                {
                    await session.AddAsync(ride, cancellationToken);
                }
            }
        }
        catch (CsvLimitException limit)
        {
            return limit.Limit == CsvLimit.Bytes
                ? IntakeProblems.TooLarge(options.MaxCsvBytes)
                : IntakeProblems.Unreadable($"line {limit.Line}", $"is longer than {options.MaxCsvLineLength} bytes: not an XRides export");
        }
        catch (QueueUnavailableException exception)
        {
            return intake.BrokerFailed(exception, session, context);
        }

        if (IntakeProblems.Refusal(errors, rowsReceived, session.RowsAccepted, partial) is { } refusal)
        {
            return refusal;
        }
        try
        {
            return await intake.AcknowledgeAsync(session, rowsReceived, errors, cancellationToken);
        }
        catch (QueueUnavailableException exception)
        {
            return intake.BrokerFailed(exception, session, context);
        }
    }
}
