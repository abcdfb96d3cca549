// YARP as its documentation sets it up, with no auth, rate limits or middleware of Fleet's: what the proxy
// alone costs. The route and its one destination come from configuration (ReverseProxy__...).
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

var app = builder.Build();
app.MapReverseProxy();
app.Run();
