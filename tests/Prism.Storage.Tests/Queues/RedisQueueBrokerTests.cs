using Prism.Queues;
using StackExchange.Redis;

namespace Prism.Tests.Queues;

public sealed class RedisQueueBrokerTests : QueueBrokerContractTests
{
    private readonly string _prefix = $"prism-test:{Guid.NewGuid():N}:";
    private readonly List<ConnectionMultiplexer> _connections = [];

    private ConnectionMultiplexer Connect()
    {
        var options = ConfigurationOptions.Parse(TestEnvironment.Redis);
        options.AbortOnConnectFail = true;
        var connection = ConnectionMultiplexer.Connect(options);
        lock (_connections) _connections.Add(connection);
        return connection;
    }

    private readonly Dictionary<IQueueBroker, ConnectionMultiplexer> _connectionOf = new(ReferenceEqualityComparer.Instance);

    protected override IQueueBroker CreateBroker(TimeSpan? pollInterval = null)
    {
        var connection = Connect();
        var broker = new RedisQueueBroker(connection, _prefix, pollInterval);
        lock (_connectionOf) _connectionOf[broker] = connection;
        return broker;
    }

    protected override async Task CrashAsync(IQueueBroker broker)
    {
        // Drop the broker's connection without any clean-up.
        ConnectionMultiplexer connection;
        lock (_connectionOf) connection = _connectionOf[broker];
        await connection.CloseAsync(allowCommandsToComplete: false);
    }

    protected override async Task CleanupAsync()
    {
        var admin = Connect();
        var server = admin.GetServers()[0];
        var db = admin.GetDatabase();
        await foreach (var key in server.KeysAsync(pattern: _prefix + "*"))
            await db.KeyDeleteAsync(key);
        foreach (var connection in _connections) await connection.DisposeAsync();
    }

    [Fact]
    public async Task Keys_follow_the_PVS_layout()
    {
        var broker = OpenBroker();
        var db = Connect().GetDatabase();

        // A producer that speaks plain Redis (as the PVS tools do) feeds the broker.
        await db.ListLeftPushAsync(_prefix + Queue, "from-cli");
        await broker.PushAsync(Queue, "from-broker");
        Assert.Equal(new[] { "from-broker", "from-cli" }, (await db.ListRangeAsync(_prefix + Queue)).Select(v => (string)v!));

        await broker.HeartbeatAsync("w1", TimeSpan.FromMinutes(1));
        var ttl = await db.KeyTimeToLiveAsync(_prefix + "prism:consumer:w1");
        Assert.NotNull(ttl);
        Assert.True(ttl > TimeSpan.Zero);

        var lease = (await broker.TryReceiveAsync(Queue, "w1"))!;
        Assert.Equal("from-cli", lease.Message);
        Assert.Equal(new[] { "from-cli" }, (await db.ListRangeAsync($"{_prefix}{Queue}:processing:w1")).Select(v => (string)v!));
        Assert.True(await db.SetContainsAsync($"{_prefix}{Queue}:consumers", "w1"));

        await broker.SetAddAsync("seed-failure_set", "p");
        await broker.SetReasonAsync("seed-failure_set", "p", "why");
        Assert.True(await db.SetContainsAsync(_prefix + "seed-failure_set", "p"));
        Assert.Equal("why", (string?)await db.HashGetAsync(_prefix + "seed-failure_set:reasons", "p"));
    }

    [Fact]
    public async Task Recovery_unregisters_dead_consumers()
    {
        var broker = OpenBroker();
        var db = Connect().GetDatabase();
        await broker.PushAsync(Queue, "x");
        await broker.TryReceiveAsync(Queue, "gone");
        Assert.Equal(1, await broker.RecoverAsync(Queue, "me"));
        Assert.False(await db.SetContainsAsync($"{_prefix}{Queue}:consumers", "gone"));
    }

    [Fact]
    public async Task A_missing_server_fails_loudly()
    {
        var options = ConfigurationOptions.Parse("127.0.0.1:1");
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 500;
        await Assert.ThrowsAsync<RedisConnectionException>(() => ConnectionMultiplexer.ConnectAsync(options));
    }
}
