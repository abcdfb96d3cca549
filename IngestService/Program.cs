using Fleet.IngestService;
using Fleet.IngestService.Data;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetAuthentication(); // every route needs a token unless it says otherwise
// One data source for EF Core (migrations, reads) and for the binary COPY that stores rides.
builder.AddNpgsqlDataSource("ridesdb");
builder.Services.AddDbContextPool<RidesDbContext>((services, db) => db
    .UseNpgsql(services.GetRequiredService<Npgsql.NpgsqlDataSource>())
    .UseSnakeCaseNamingConvention()
    .UseMigrationsHistoryIn(RidesDbContext.Schema));
builder.EnrichNpgsqlDbContext<RidesDbContext>(settings => settings.DisableRetry = true);
builder.AddDatabaseMigrations<RidesDbContext>();
builder.AddRabbitMQClient("rabbitmq");
builder.AddRabbitMQPublisher();
builder.AddIngestService();                     // intake, queue, storage, tracking, reads

var app = builder.Build();

app.MapIngestEndpoints();                       // /rides/...: each group file declares who may call it
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
