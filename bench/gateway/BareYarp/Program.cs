// YARP as its documentation sets it up, with no auth, rate limits or middleware of Fleet's: what the proxy
// alone costs. Routes and clusters come from configuration (ReverseProxy__...). A destination is either an
// address (http://127.0.0.1:5000, passed through) or a service name (http://tiny) that service discovery
// turns into one destination per services__tiny__http__<i>, as in Fleet's gateway. Destinations are resolved
// when the configuration loads, not per request.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddServiceDiscovery();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver();

var app = builder.Build();
app.MapReverseProxy();
app.Run();
