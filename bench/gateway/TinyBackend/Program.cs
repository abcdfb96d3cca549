// The smallest useful service: what Kestrel alone costs, to compare the gateway against.
// /auth/ping is the same answer behind the gateway's anonymous route.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();

var app = builder.Build();
app.MapGet("/rides/ping", () => "pong");
app.MapGet("/auth/ping", () => "pong");
app.Run();
