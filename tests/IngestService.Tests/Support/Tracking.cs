using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Fleet.IngestServiceTests.Support;

public static class Tracking
{
    /// <summary>Follows a 202's Location until the request is no longer <c>accepted</c>; returns its last view.</summary>
    public static async Task<JsonElement> FinalAsync(HttpClient client, HttpResponseMessage accepted, TimeSpan? within = null)
    {
        accepted.StatusCode.Should().Be(HttpStatusCode.Accepted, await accepted.Content.ReadAsStringAsync());
        var location = accepted.Headers.Location!;
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        JsonElement view = default;
        while (DateTime.UtcNow < deadline)
        {
            using var response = await client.GetAsync(location);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                view = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (view.GetProperty("status").GetString() != "accepted")
                {
                    return view;
                }
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{location} is still not final: {view}");
    }
}
