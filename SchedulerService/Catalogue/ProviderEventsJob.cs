using System.Net;
using System.Net.Http.Headers;
using Fleet.SchedulerService.Catalogue.Feed;
using Fleet.SchedulerService.Jobs;
using Microsoft.Extensions.Options;

namespace Fleet.SchedulerService.Catalogue;

/// <summary>
/// The provider-events job: fetches the provider's document (retried with jitter and behind a circuit breaker by its
/// HttpClient, asked conditionally with the last document's ETag and Last-Modified) and applies it to the catalogue.
/// A failed fetch or an unreadable document fails the run and changes nothing stored.
/// </summary>
public sealed class ProviderEventsJob(IHttpClientFactory clients, CatalogueUpdater updater, IOptions<ProviderOptions> options,
    SchedulerMetrics metrics, ILogger<ProviderEventsJob> logger) : IScheduledJob
{
    public const string Name = "provider-events";
    public const string HttpClientName = "provider";

    // The validators of the last document applied by this replica; another replica's first fetch is a full one.
    private EntityTagHeaderValue? _etag;
    private DateTimeOffset? _lastModified;

    public async Task<int?> RunAsync(CancellationToken cancellationToken)
    {
        var url = options.Value.Url ?? throw new InvalidOperationException("Provider:Url is not set: there is no feed to fetch.");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (_etag is { } etag)
        {
            request.Headers.IfNoneMatch.Add(etag);
        }
        request.Headers.IfModifiedSince = _lastModified;

        using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            logger.LogDebug("The provider's document has not changed");
            return 0;
        }
        response.EnsureSuccessStatusCode();

        await using var document = await response.Content.ReadAsStreamAsync(cancellationToken);
        CatalogueUpdate update;
        try
        {
            update = await updater.UpdateAsync(document, cancellationToken);
        }
        catch (UnreadableDocumentException)
        {
            metrics.DocumentRefused();
            throw;
        }
        metrics.Applied(update);
        (_etag, _lastModified) = (response.Headers.ETag, response.Content.Headers.LastModified);
        logger.LogInformation("Provider document: {Read} plans read, {Skipped} skipped; {Added} added, {Changed} changed, {Removed} left the feed",
            update.PlansRead, update.PlansSkipped, update.Change.Added, update.Change.Changed, update.Change.Removed);
        return update.PlansRead;
    }
}
