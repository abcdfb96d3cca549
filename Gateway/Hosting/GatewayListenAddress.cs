namespace Fleet.Gateway.Hosting;

public static class GatewayListenAddress
{
    /// <summary>
    /// Listens on <c>Gateway:Port</c> (8080 by default; loopback only in Development) unless an address
    /// was given the usual way (ASPNETCORE_URLS, --urls, ASPNETCORE_HTTP_PORTS), which then wins.
    /// </summary>
    public static WebApplicationBuilder ListenOnGatewayPort(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        if (!string.IsNullOrEmpty(configuration["urls"])
            || !string.IsNullOrEmpty(configuration["http_ports"])
            || !string.IsNullOrEmpty(configuration["https_ports"]))
        {
            return builder;
        }

        var port = configuration.GetValue("Gateway:Port", 8080);
        var host = builder.Environment.IsDevelopment() ? "127.0.0.1" : "*";
        builder.WebHost.UseUrls($"http://{host}:{port}");
        return builder;
    }
}
