var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetAuthentication(auth => auth.AcceptApiKeys = true); // tokens, and users' X-Api-Key via introspection
builder.AddNpgsqlDataSource("auditdb").WithMigrations(typeof(Program).Assembly);
builder.AddRabbitMQClient("rabbitmq");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
