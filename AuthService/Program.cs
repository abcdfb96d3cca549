using Fleet.AuthService;
using Fleet.AuthService.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddNpgsqlDbContext<AuthDbContext>("authdb", configureDbContextOptions: db => db.UseMigrationsHistoryIn(AuthDbContext.Schema));
builder.AddDatabaseMigrations<AuthDbContext>();
// The signing-key store works in plain SQL on a data source of its own; the DbContext's check covers the database.
builder.AddNpgsqlDataSource("authdb", settings => settings.DisableHealthChecks = true);
builder.AddRabbitMQClient("rabbitmq");
builder.AddRabbitMQPublisher();
builder.AddAuditLog("auth");                    // audit events to fleet.audit, for AuditService
builder.AddRedisClient("redis");
builder.AddAuthService();                       // Identity, signing keys, token server, audit, seeding

var app = builder.Build();

app.MapAuthEndpoints();                         // /auth/...: each group file declares who may call it
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
