using Fleet.FileService.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetAuthentication(); // every route needs a token unless it says otherwise
builder.AddNpgsqlDbContext<FilesDbContext>("filesdb", configureDbContextOptions: db => db.UseMigrationsHistoryIn(FilesDbContext.Schema));
builder.AddDatabaseMigrations<FilesDbContext>();
builder.AddRabbitMQClient("rabbitmq");

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
