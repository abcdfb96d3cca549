using System.Text.Json.Nodes;
using Fleet.Gateway.Forwarding;

namespace Fleet.Gateway.Docs;

/// <summary>Fetches a service's <c>/openapi/v1.json</c> from one of its replicas, made to work through the gateway.</summary>
public sealed class OpenApiDocumentFetcher : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout };

    /// <summary>The document, or null when no replica could give it.</summary>
    public async Task<JsonNode?> FetchAsync(ServiceReplicas service, CancellationToken cancellationToken)
    {
        // Replicas in the rotation first: one left out has just refused a connection.
        foreach (var replica in service.Replicas.OrderBy(replica => replica.LeftOut))
        {
            try
            {
                using var response = await _http.GetAsync(replica.Resolve("/openapi/v1.json"), cancellationToken);
                if (!response.IsSuccessStatusCode)
                {
                    continue;
                }

                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                var document = await JsonNode.ParseAsync(body, cancellationToken: cancellationToken);
                if (document is JsonObject root)
                {
                    // The replica lists its own address as the server; without "servers" the UI sends
                    // "Try it out" requests to where it loaded the document from: the gateway.
                    root.Remove("servers");
                }

                return document;
            }
            catch (Exception e) when (e is HttpRequestException or System.Text.Json.JsonException
                                          || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Try the next replica.
            }
        }

        return null;
    }

    public void Dispose() => _http.Dispose();
}
