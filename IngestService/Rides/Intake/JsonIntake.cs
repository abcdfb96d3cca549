using System.Security.Claims;
using Fleet.IngestService.Rides.Queue;
using System.Text.Json;

namespace Fleet.IngestService.Rides.Intake;

/// <summary><c>POST /rides</c>: one ride object or an array of rides, read whole, checked whole, then queued.</summary>
internal static class JsonIntake
{
    public static async Task<IResult> AcceptAsync(HttpContext context, ClaimsPrincipal caller, RideIntake intake, bool partial = false)
    {
        var request = context.Request;
        var cancellationToken = context.RequestAborted;
        if (!request.HasJsonContentType())
        {
            return IntakeProblems.UnsupportedMediaType("application/json");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException exception)
        {
            return exception is { LineNumber: 0, BytePositionInLine: 0 }
                ? IntakeProblems.Unreadable("body", "is empty; send a ride object or an array of rides")
                : IntakeProblems.Unreadable("body", $"is not valid JSON (line {exception.LineNumber + 1}, byte {exception.BytePositionInLine + 1})");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
            {
                return IntakeProblems.Unreadable("body", "must be a ride object or an array of rides");
            }
            var rowsReceived = root.ValueKind == JsonValueKind.Array ? root.GetArrayLength() : 1;
            if (rowsReceived > intake.Options.MaxRidesPerRequest)
            {
                return IntakeProblems.TooManyRides(intake.Options.MaxRidesPerRequest);
            }

            var rides = new List<Ride>(rowsReceived);
            var errors = new RowErrors(intake.Options.MaxErrorsListed);
            var scratch = new List<RowError>();
            var row = 0;
            foreach (var element in root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : Enumerable.Repeat(root, 1))
            {
                if (RideJsonReader.Read(element, ++row, scratch) is { } ride)
                {
                    rides.Add(ride);
                }
                errors.Take(scratch);
            }

            if (IntakeProblems.Refusal(errors, rowsReceived, rides.Count, partial) is { } refusal)
            {
                return refusal;
            }

            await using var session = intake.Begin(IntakeMode.Queue, caller, "json");
            try
            {
                foreach (var ride in rides)
                {
                    await session.AddAsync(ride, cancellationToken);
                }
                return await intake.AcknowledgeAsync(session, rowsReceived, errors, cancellationToken);
            }
            catch (QueueUnavailableException exception)
            {
                return intake.BrokerFailed(exception, session, context);
            }
        }
    }
}
