// Two ways to run two copies of a service behind a gateway (a bare YARP), side by side in one app model:
//   A  tiny-proxied: WithReplicas(2) behind DCP's proxy; the gateway gets one address, services__tiny-proxied__http__0,
//      the proxy's, and DCP picks a copy per connection.
//   B  tiny-1, tiny-2: two resources, each on its own endpoint (isProxied: false); the gateway gets
//      services__tiny__http__0 and __1, and service discovery gives YARP two destinations, balanced round robin.
// Both gateways listen proxy-less on the ports given as --GatewayAPort and --GatewayBPort.
using Microsoft.Extensions.Configuration;

// No dashboard: nothing here is looked at, and it would take CPU from the measured processes.
var builder = DistributedApplication.CreateBuilder(new DistributedApplicationOptions { Args = args, DisableDashboard = true });

// A: DCP's proxy in front of the replicas (a proxied endpoint is the only kind WithReplicas accepts).
var proxied = builder.AddProject<Projects.TinyBackend>("tiny-proxied")
    .WithHttpEndpoint()
    .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
    .WithReplicas(2);
AddGateway("gateway-a", builder.Configuration.GetValue("GatewayAPort", 18601), "tiny-proxied")
    .WithReference(proxied);

// B: each copy addressed on its own.
var copies = Enumerable.Range(1, 2)
    .Select(i => builder.AddProject<Projects.TinyBackend>($"tiny-{i}")
        .WithHttpEndpoint(isProxied: false)
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production"))
    .ToList();
var gatewayB = AddGateway("gateway-b", builder.Configuration.GetValue("GatewayBPort", 18602), "tiny");
for (var i = 0; i < copies.Count; i++)
{
    gatewayB.WithEnvironment($"services__tiny__http__{i}", copies[i].GetEndpoint("http"))
        .WithRelationship(copies[i].Resource, "Reference");
}

builder.Build().Run();

// A bare YARP with one route, /rides/{**catch-all}, to the cluster "tiny", whose one configured destination
// (http://<service>) service discovery expands into what services__<service>__http__* lists.
IResourceBuilder<ProjectResource> AddGateway(string name, int port, string service) =>
    builder.AddProject<Projects.BareYarp>(name)
        .WithHttpEndpoint(port: port, isProxied: false)
        .WithEnvironment("ASPNETCORE_ENVIRONMENT", "Production")
        .WithEnvironment("ReverseProxy__Routes__rides__ClusterId", "tiny")
        .WithEnvironment("ReverseProxy__Routes__rides__Match__Path", "/rides/{**catch-all}")
        .WithEnvironment("ReverseProxy__Clusters__tiny__LoadBalancingPolicy", "RoundRobin")
        .WithEnvironment("ReverseProxy__Clusters__tiny__Destinations__tiny__Address", $"http://{service}");
