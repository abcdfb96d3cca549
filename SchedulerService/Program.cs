using Fleet.SchedulerService.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetAuthentication(); // every route needs a token unless it says otherwise
builder.AddNpgsqlDbContext<SchedulerDbContext>("eventsdb", configureDbContextOptions: db => db.UseMigrationsHistoryIn(SchedulerDbContext.Schema));
builder.AddDatabaseMigrations<SchedulerDbContext>();
builder.AddRabbitMQClient("rabbitmq");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
