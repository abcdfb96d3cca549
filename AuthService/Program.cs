using Fleet.AuthService;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDataSource("authdb").WithMigrations(typeof(Program).Assembly);
builder.AddRabbitMQClient("rabbitmq");
builder.AddRedisClient("redis");
builder.AddAuthService();                       // Identity, signing keys, token server, audit, seeding

var app = builder.Build();

app.MapAuthEndpoints();                         // /auth/...: each group file declares who may call it
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
