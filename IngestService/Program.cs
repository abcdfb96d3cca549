var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetAuthentication(); // every route needs a token unless it says otherwise
builder.AddNpgsqlDataSource("ridesdb").WithMigrations(typeof(Program).Assembly);
builder.AddRabbitMQClient("rabbitmq");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
