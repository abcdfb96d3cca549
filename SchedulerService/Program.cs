using Fleet.SchedulerService;
using Fleet.SchedulerService.Data;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetAuthentication(); // every route needs a token unless it says otherwise
// One data source for EF Core (migrations) and for the COPY and SQL that keep the catalogue.
builder.AddNpgsqlDataSource("eventsdb");
builder.Services.AddDbContextPool<SchedulerDbContext>((services, db) => db
    .UseNpgsql(services.GetRequiredService<Npgsql.NpgsqlDataSource>())
    .UseSnakeCaseNamingConvention()
    .UseMigrationsHistoryIn(SchedulerDbContext.Schema));
builder.EnrichNpgsqlDbContext<SchedulerDbContext>();
builder.AddDatabaseMigrations<SchedulerDbContext>();
builder.AddRabbitMQClient("rabbitmq");
builder.AddRabbitMQPublisher();                 // jobs that are a message to another service
builder.AddAuditLog("scheduler");               // who ran a job by hand, to AuditService
builder.AddRedisClient("redis");
builder.AddSchedulerService();                  // the provider-events catalogue and its search

var app = builder.Build();

app.MapSchedulerEndpoints();                    // /search, /events/search: public
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
