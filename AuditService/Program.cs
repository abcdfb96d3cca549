using Fleet.AuditService.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetAuthentication(auth => auth.AcceptApiKeys = true); // tokens, and users' X-Api-Key via introspection
builder.AddNpgsqlDbContext<AuditDbContext>("auditdb", configureDbContextOptions: db => db.UseMigrationsHistoryIn(AuditDbContext.Schema));
builder.AddDatabaseMigrations<AuditDbContext>();
builder.AddRabbitMQClient("rabbitmq");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
