using System.Text.Json;

namespace Fleet.SchedulerService.Search;

/// <summary>The format doc's envelope: <c>{"data": ..., "error": null}</c>, or <c>{"data": null, "error": {"code", "message"}}</c>.</summary>
public static class SearchAnswer
{
    public static IResult Json(byte[] envelope) => Results.Bytes(envelope, "application/json");

    public static IResult Error(int status, string message) => Results.Json(
        new { data = (object?)null, error = new { code = status.ToString(), message } }, statusCode: status);
}
