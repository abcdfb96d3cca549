var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
var authDb = postgres.AddDatabase("authdb");
var ridesDb = postgres.AddDatabase("ridesdb");
var filesDb = postgres.AddDatabase("filesdb");
var auditDb = postgres.AddDatabase("auditdb");
var eventsDb = postgres.AddDatabase("eventsdb");
var rabbitmq = builder.AddRabbitMQ("rabbitmq").WithManagementPlugin();
var redis = builder.AddRedis("redis");

var auth = builder.AddProject<Projects.AuthService>("auth")
    .WithReference(authDb).WaitFor(authDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(redis).WaitFor(redis);

var ingest = builder.AddProject<Projects.IngestService>("ingest")
    .WithReference(ridesDb).WaitFor(ridesDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReplicas(2);

var files = builder.AddProject<Projects.FileService>("files")
    .WithReference(filesDb).WaitFor(filesDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq);

var audit = builder.AddProject<Projects.AuditService>("audit")
    .WithReference(auditDb).WaitFor(auditDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq);

var scheduler = builder.AddProject<Projects.SchedulerService>("scheduler")
    .WithReference(eventsDb).WaitFor(eventsDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq);

builder.AddProject<Projects.Gateway>("gateway")
    .WithHttpEndpoint(port: builder.Configuration.GetValue("GatewayPort", 8080))
    .WithReference(auth).WithReference(ingest).WithReference(files).WithReference(audit).WithReference(scheduler);

builder.Build().Run();

public partial class Program;
