namespace Fleet.Gateway.Proxy;

/// <summary>
/// Aspire-style service discovery from configuration: <c>http://ingest</c> expands to every address
/// under <c>services:ingest:http</c> (the AppHost sets <c>services__ingest__http__0</c>, <c>__1</c>, ...
/// one per replica). An address whose host names no such section is used as it is (e.g. a DNS name).
/// </summary>
public sealed class ServiceEndpointResolver(IConfiguration configuration)
{
    public IReadOnlyList<Uri> Resolve(string address)
    {
        var uri = new Uri(address, UriKind.Absolute);
        var service = configuration.GetSection("services").GetSection(uri.Host);
        if (!service.Exists())
        {
            return [uri];
        }

        // "https+http://ingest" means: https endpoints if there are any, else http ones (Aspire's convention).
        foreach (var endpointName in uri.Scheme.Split('+'))
        {
            var endpoints = service.GetSection(endpointName).GetChildren()
                .Select(endpoint => endpoint.Value)
                .Where(value => !string.IsNullOrWhiteSpace(value))
                .Select(value => WithPath(new Uri(value!, UriKind.Absolute), uri.AbsolutePath))
                .ToList();
            if (endpoints.Count > 0)
            {
                return endpoints;
            }
        }

        return [];
    }

    private static Uri WithPath(Uri endpoint, string path) =>
        path is "" or "/" ? endpoint : new Uri(endpoint, path);
}
