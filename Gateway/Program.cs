using Fleet.Gateway.Docs;
using Fleet.Gateway.Health;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Proxy;
using Fleet.Gateway.RateLimiting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddFleetAuthentication(auth => auth.AcceptApiKeys = true); // tokens and API keys; each route's AuthorizationPolicy says who may pass
builder.ListenOnGatewayPort();
builder.Services.AddReverseProxy(builder.Configuration);
builder.Services.AddGatewayRateLimits(builder.Configuration);
builder.Services.AddSystemHealth(builder.Configuration);
builder.Services.AddServiceDocs();

var app = builder.Build();
app.UseAuthentication();
app.UseRateLimiter(); // after authentication: per client id, or per IP for anonymous callers
app.UseAuthorization();
app.MapSystemHealth();
app.MapServiceDocs();
app.MapReverseProxy();
app.MapDefaultEndpoints(endpoints => endpoints.MapHealth = false); // /health is the system-wide one above
app.Run();

public partial class Program;
