using Fleet.Gateway.Authentication;
using Fleet.Gateway.Docs;
using Fleet.Gateway.Forwarding;
using Fleet.Gateway.Health;
using Fleet.Gateway.Hosting;
using Fleet.Gateway.Paths;
using Fleet.Gateway.RateLimiting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddFleetAuthentication(auth => auth.AcceptApiKeys = true); // tokens and API keys; each route's AuthorizationPolicy says who may pass
builder.ListenOnGatewayPort();
builder.Services.AddGatewayForwarding(builder.Configuration);
builder.Services.AddGatewayRateLimits(builder.Configuration);
builder.Services.AddSystemHealth(builder.Configuration);
builder.Services.AddServiceDocs();

var app = builder.Build();
app.UseEncodedSeparatorGuard();
app.UseRequestTimeouts();
app.UseAuthenticationWithoutRemoteChecks(); // tokens, and API keys already known
app.UseRateLimiter();                       // per client when known, else per IP
app.UseAuthentication();                    // API keys not seen lately: asks AuthService, within the limit
app.UseAuthorization();
app.MapSystemHealth();
app.MapServiceDocs();
app.MapGatewayForwarding();
app.MapDefaultEndpoints(endpoints => endpoints.MapHealth = false); // /health is the system-wide one above
app.Run();

public partial class Program;
