using Yarp.ReverseProxy.Configuration;

// A YARP reverse proxy spreading every request round-robin over the API instances named in
// PROXY_DESTINATIONS (comma-separated base URLs), as a load balancer in front of replicas would.
var destinations = (Environment.GetEnvironmentVariable("PROXY_DESTINATIONS") ?? "")
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
if (destinations.Length == 0)
{
    Console.Error.WriteLine("Set PROXY_DESTINATIONS to the instances' base URLs, comma-separated.");
    return 1;
}

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "api", ClusterId = "instances", Match = new RouteMatch { Path = "{**rest}" } }],
    [new ClusterConfig
    {
        ClusterId = "instances",
        LoadBalancingPolicy = "RoundRobin",
        Destinations = destinations.Select((url, i) => (url, i)).ToDictionary(d => $"instance{d.i}", d => new DestinationConfig { Address = d.url }),
    }]);

var app = builder.Build();
app.MapGet("/proxy/live", () => "ok");
app.MapReverseProxy();
app.Run();
return 0;
