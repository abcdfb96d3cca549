using Fleet.FileService;
using Fleet.FileService.Data;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFleetAuthentication(); // every route needs a token unless it says otherwise
builder.AddNpgsqlDbContext<FilesDbContext>("filesdb", configureDbContextOptions: db => db.UseMigrationsHistoryIn(FilesDbContext.Schema));
builder.AddDatabaseMigrations<FilesDbContext>();
builder.AddRabbitMQClient("rabbitmq");
builder.AddRabbitMQPublisher();                 // the outbox's files.uploaded, for the scanner
builder.AddAuditLog("files");                   // uploads and deletes, to AuditService
builder.AddFileService();                       // uploads, reads, deletes, scans; contents on the local disk

var app = builder.Build();

app.MapFileServiceEndpoints();                  // /files/...: each group file declares who may call it
app.MapDefaultEndpoints();

app.Run();

public partial class Program;
