using Fleet.AuditService;
using Fleet.AuditService.Data;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetAuthentication(auth => auth.AcceptApiKeys = true); // tokens, and users' X-Api-Key via introspection
// One data source for EF Core (migrations, policies) and for the COPY and SQL of the events.
builder.AddNpgsqlDataSource("auditdb");
builder.Services.AddDbContextPool<AuditDbContext>((services, db) => db
    .UseNpgsql(services.GetRequiredService<Npgsql.NpgsqlDataSource>())
    .UseMigrationsHistoryIn(AuditDbContext.Schema));
builder.EnrichNpgsqlDbContext<AuditDbContext>();
builder.AddDatabaseMigrations<AuditDbContext>();
builder.AddRabbitMQClient("rabbitmq");
builder.AddRabbitMQPublisher();
builder.AddAuditService();                      // intake, storage off the queue, queries

var app = builder.Build();

app.MapAuditEndpoints();                        // /audit/...: each group file declares who may call it
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
