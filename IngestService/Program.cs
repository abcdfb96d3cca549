using Fleet.IngestService.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetAuthentication(); // every route needs a token unless it says otherwise
builder.AddNpgsqlDbContext<RidesDbContext>("ridesdb", configureDbContextOptions: db => db.UseMigrationsHistoryIn(RidesDbContext.Schema));
builder.AddDatabaseMigrations<RidesDbContext>();
builder.AddRabbitMQClient("rabbitmq");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
