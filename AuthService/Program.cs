var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource("authdb").WithMigrations(typeof(Program).Assembly);
builder.AddRabbitMQClient("rabbitmq");
builder.AddRedisClient("redis");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
