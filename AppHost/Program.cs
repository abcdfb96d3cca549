var builder = DistributedApplication.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres");
var authDb = postgres.AddDatabase("authdb");
var ridesDb = postgres.AddDatabase("ridesdb");
var filesDb = postgres.AddDatabase("filesdb");
var auditDb = postgres.AddDatabase("auditdb");
var eventsDb = postgres.AddDatabase("eventsdb");
var rabbitmq = builder.AddRabbitMQ("rabbitmq").WithManagementPlugin();
var redis = builder.AddRedis("redis");

// Development seeds: generated on first run, kept in .fleet/secrets.json.
var adminPassword = builder.AddParameter("admin-password", secret: true);
var xridesSecret = builder.AddParameter("xrides-client-secret", secret: true);
var cliSecret = builder.AddParameter("fleet-cli-client-secret", secret: true);
var auditSecret = builder.AddParameter("audit-client-secret", secret: true);
var gatewaySecret = builder.AddParameter("gateway-client-secret", secret: true);

var gateway = builder.AddProject<Projects.Gateway>("gateway")
    .WithHttpEndpoint(port: builder.Configuration.GetValue("GatewayPort", 8080));
string Issuer() => $"{gateway.Resource.Endpoints[0]}auth";

var auth = builder.AddProject<Projects.AuthService>("auth")
    .WithReference(authDb).WaitFor(authDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Auth__Issuer", Issuer)
    .WithEnvironment("Seed__Admin__Password", adminPassword)
    .WithEnvironment("Seed__Clients__xrides__Secret", xridesSecret)
    .WithEnvironment("Seed__Clients__fleet-cli__Secret", cliSecret)
    .WithEnvironment("Seed__Clients__audit__Secret", auditSecret)
    .WithEnvironment("Seed__Clients__gateway__Secret", gatewaySecret);

var ingest = builder.AddProject<Projects.IngestService>("ingest")
    .WithReference(ridesDb).WaitFor(ridesDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(auth).WithEnvironment("Auth__Issuer", Issuer)
    .WithReplicas(2);

var files = builder.AddProject<Projects.FileService>("files")
    .WithReference(filesDb).WaitFor(filesDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(auth).WithEnvironment("Auth__Issuer", Issuer);

var audit = builder.AddProject<Projects.AuditService>("audit")
    .WithReference(auditDb).WaitFor(auditDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(auth).WithEnvironment("Auth__Issuer", Issuer)
    .WithEnvironment("Auth__ClientId", "audit")
    .WithEnvironment("Auth__ClientSecret", auditSecret);

var scheduler = builder.AddProject<Projects.SchedulerService>("scheduler")
    .WithReference(eventsDb).WaitFor(eventsDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(auth).WithEnvironment("Auth__Issuer", Issuer);

gateway
    .WithReference(auth).WithReference(ingest).WithReference(files).WithReference(audit).WithReference(scheduler)
    .WithEnvironment("Auth__Issuer", Issuer)
    .WithEnvironment("Auth__ClientId", "gateway")
    .WithEnvironment("Auth__ClientSecret", gatewaySecret);

builder.Build().Run();

public partial class Program;
