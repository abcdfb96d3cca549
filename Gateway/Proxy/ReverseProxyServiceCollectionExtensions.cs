using System.Net;
using Microsoft.Extensions.Options;

namespace Fleet.Gateway.Proxy;

public static class ReverseProxyServiceCollectionExtensions
{
    public static IServiceCollection AddReverseProxy(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ReverseProxyOptions>(configuration.GetSection(ReverseProxyOptions.SectionName));
        services.AddSingleton<ServiceEndpointResolver>();
        services.AddSingleton<ProxyRouteTable>();
        services.AddSingleton<HttpForwarder>();
        services.AddSingleton<TimeoutSourcePool>();
        // One pooled handler for all forwarding; HttpMessageInvoker rather than HttpClient because the
        // forwarder needs neither HttpClient's overall timeout nor its buffering, only SendAsync, which
        // returns as soon as the response headers are read.
        services.AddSingleton(provider => new HttpMessageInvoker(
            new SocketsHttpHandler
            {
                UseProxy = false,
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.None,
                UseCookies = false,
                EnableMultipleHttp2Connections = true,
                ConnectTimeout = provider.GetRequiredService<IOptions<ReverseProxyOptions>>().Value.ConnectTimeout,
            },
            disposeHandler: true));
        return services;
    }
}
