namespace Convergio.Api.Tests.Infrastructure;

/// <summary>
/// Several API instances on one PostgreSQL database and one Redis, with the same keys: replicas
/// as a load balancer would spread requests over. The first one creates the database.
/// </summary>
public sealed class SharedInstances : IAsyncDisposable
{
    private readonly string _database;

    private SharedInstances(string database, IReadOnlyList<ConvergioFactory> instances) => (_database, Instances) = (database, instances);

    public IReadOnlyList<ConvergioFactory> Instances { get; }

    public ConvergioFactory this[int index] => Instances[index];

    public static SharedInstances Start(int count, string redis, IDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>(extra ?? new Dictionary<string, string?>())
        {
            ["ConnectionStrings:Postgres"] = TestServices.NewPostgresDatabase("convergio_test_", out var database),
            ["ConnectionStrings:Redis"] = redis,
            ["Security:SigningKeys:0"] = TestKeys.SigningKey(),
            ["Encryption:Keys:0"] = TestKeys.FernetKey(),
        };
        var instances = new List<ConvergioFactory>();
        for (var i = 0; i < count; i++)
        {
            var instance = new ConvergioFactory(settings: settings);
            // Started one after the other: the first migrates the database.
            _ = instance.Server;
            instances.Add(instance);
        }
        return new SharedInstances(database, instances);
    }

    /// <summary>A browser whose requests go to the instances in turn, as a round-robin load balancer sends them.</summary>
    public TestBrowser CreateBalancedBrowser() => new([.. Instances.Select(i => i.Server)]);

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in Instances)
        {
            await instance.DisposeAsync();
        }
        await TestServices.DropPostgresDatabaseAsync(_database);
    }
}
