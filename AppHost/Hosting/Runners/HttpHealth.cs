namespace Fleet.AppHost.Hosting.Runners;

internal static class HttpHealth
{
    public static async Task<HealthCheck> CheckAsync(HttpClient client, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(url, cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheck.Healthy()
                : HealthCheck.Unhealthy($"GET {url.AbsolutePath} answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return HealthCheck.Unhealthy($"GET {url.AbsolutePath}: {ex.Message}");
        }
    }
}
