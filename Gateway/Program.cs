using Fleet.Gateway.Docs;
using Fleet.Gateway.Health;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Proxy;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.ListenOnGatewayPort();
builder.Services.AddReverseProxy(builder.Configuration);
builder.Services.AddSystemHealth(builder.Configuration);
builder.Services.AddServiceDocs();

var app = builder.Build();
app.MapSystemHealth();
app.MapServiceDocs();
app.MapReverseProxy();
app.MapDefaultEndpoints(endpoints => endpoints.MapHealth = false); // /health is the system-wide one above
app.Run();

public partial class Program;
