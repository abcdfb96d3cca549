// The smallest useful service: what Kestrel alone costs, to compare the gateway against.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();

var app = builder.Build();
app.MapGet("/rides/ping", () => "pong");
app.Run();
