using Fleet.AppHost;
using Fleet.AppHost.LocalServers;
using Fleet.AppHost.LocalServers.Postgres;
using Fleet.AppHost.LocalServers.RabbitMQ;
using Fleet.AppHost.LocalServers.Redis;
using Fleet.AppHost.Lifecycle;
using Microsoft.Extensions.Hosting;

var builder = DistributedApplication.CreateBuilder(args);
builder.AddCrashRestarts();
builder.AddReadyLine();
builder.AddFixedPortCheck();

var postgres = builder.AddPostgres("postgres");
var authDb = postgres.AddDatabase("authdb");
var ridesDb = postgres.AddDatabase("ridesdb");
var filesDb = postgres.AddDatabase("filesdb");
var auditDb = postgres.AddDatabase("auditdb");
var eventsDb = postgres.AddDatabase("eventsdb");
var rabbitmq = builder.AddRabbitMQ("rabbitmq");
var redis = builder.AddRedis("redis");

var gateway = builder.AddFleetService<Projects.Gateway>("gateway", port: builder.Configuration.GetValue("GatewayPort", 8080), healthPath: "/alive");
var issuer = ReferenceExpression.Create($"{gateway.GetEndpoint("http")}/auth");

ReferenceExpression DocsRedirect(string host) =>
    ReferenceExpression.Create($"http://{host}:{gateway.GetEndpoint("http").Property(EndpointProperty.Port)}/docs/oauth2-redirect.html");

var auth = builder.AddFleetService<Projects.AuthService>("auth", issuer)
    .WithReference(authDb).WaitFor(authDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(redis).WaitFor(redis)
    .WithEnvironment("Seed__Admin__Password", builder.AddGeneratedSecret("admin-password"))
    .WithEnvironment("Seed__Clients__xrides__Secret", builder.AddGeneratedSecret("xrides-client-secret"))
    .WithEnvironment("Seed__Clients__fleet-cli__Secret", builder.AddGeneratedSecret("fleet-cli-client-secret"))
    .WithEnvironment("Seed__Clients__audit__Secret", builder.AddGeneratedSecret("audit-client-secret"))
    .WithEnvironment("Seed__Clients__gateway__Secret", builder.AddGeneratedSecret("gateway-client-secret"))
    .WithEnvironment("Seed__Clients__scheduler__Secret", builder.AddGeneratedSecret("scheduler-client-secret"))
    // The docs page signs users in with the authorization code flow, back to exactly this address, by either name.
    .WithEnvironment("Seed__Clients__fleet-docs__RedirectUris__0", DocsRedirect("127.0.0.1"))
    .WithEnvironment("Seed__Clients__fleet-docs__RedirectUris__1", DocsRedirect("localhost"));

var ingest = builder.AddFleetServiceReplicas<Projects.IngestService>("ingest", 2, issuer, replica => replica
    .WithReference(ridesDb).WaitFor(ridesDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(auth));

var files = builder.AddFleetService<Projects.FileService>("files", issuer)
    .WithReference(filesDb).WaitFor(filesDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(auth)
    .WithEnvironment("Files__Storage__Root", Path.Combine(LocalServerPaths.DataDirectory(builder), "files")); // the uploaded contents

var audit = builder.AddFleetService<Projects.AuditService>("audit", issuer)
    .WithReference(auditDb).WaitFor(auditDb)
    .WithReference(rabbitmq).WaitFor(rabbitmq)
    .WithReference(auth)
    .WithEnvironment("Auth__ClientId", "audit")
    .WithEnvironment("Auth__ClientSecret", builder.AddGeneratedSecret("audit-client-secret"));

// The provider's events feed: a configured one (Provider:Url), else in Development the stand-in and its scripted steps.
var providerUrl = builder.Configuration["Provider:Url"] is { Length: > 0 } configured
    ? ReferenceExpression.Create($"{configured}")
    : builder.Environment.IsDevelopment()
        ? ReferenceExpression.Create($"{builder.AddFleetService<Projects.ProviderStandIn>("provider", healthPath: "/").GetEndpoint("http")}/events.xml")
        : null;

// Two replicas, so that "one run of a job at a time" is real.
var scheduler = builder.AddFleetServiceReplicas<Projects.SchedulerService>("scheduler", 2, issuer, replica =>
{
    replica
        .WithReference(eventsDb).WaitFor(eventsDb)
        .WithReference(rabbitmq).WaitFor(rabbitmq)
        .WithReference(redis).WaitFor(redis)
        .WithReference(auth)
        .WithReference(audit).WaitFor(audit) // its audit-retention job calls AuditService
        .WithReference(files).WaitFor(files) // and its files-rescan job FileService
        .WithEnvironment("Auth__ClientId", "scheduler") // its own token, for jobs that call another service
        .WithEnvironment("Auth__ClientSecret", builder.AddGeneratedSecret("scheduler-client-secret"));
    if (providerUrl is not null)
    {
        replica.WithEnvironment("Provider__Url", providerUrl);
    }
});

gateway
    .WithReference(auth).WithReference(ingest).WithReference(files).WithReference(audit).WithReference(scheduler)
    .WithEnvironment("Auth__Issuer", issuer)
    .WithEnvironment("Auth__ClientId", "gateway")
    .WithEnvironment("Auth__ClientSecret", builder.AddGeneratedSecret("gateway-client-secret"));

builder.Build().Run();
