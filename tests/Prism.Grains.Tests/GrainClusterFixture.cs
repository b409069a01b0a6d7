using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using Prism.Ingestion;
using Prism.Persistence;
using Prism.Products;
using Prism.Queues;

namespace Prism.Tests.Grains;

/// <summary>
/// One in-process Orleans silo configured like the embedded profile (SQLite grain storage "products" in a temp
/// file, the real <see cref="SqliteQueueBroker"/> in a temp file), with the <see cref="ScriptedPipeline"/> in place
/// of the real pipeline and short retry delays. Tests use unique product keys, so they can share it.
/// </summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    public const int MaxAttempts = 4;
    public const string StorageName = "products";
    private const string InnerStorageName = "products-sqlite";

    public string Folder { get; } = TestEnvironment.TempFolder("grains");
    public ScriptedPipeline Pipeline { get; } = new();
    public CallProbe Calls { get; } = new();
    public WriteGate Writes { get; } = new();
    public QueueNames Names { get; } = new();
    public SqliteQueueBroker RealBroker { get; private set; } = null!;
    public GatedQueueBroker Broker { get; private set; } = null!;
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        RealBroker = new SqliteQueueBroker(Path.Combine(Folder, "queues.db"));
        Broker = new GatedQueueBroker(RealBroker);
        var grainDb = Path.Combine(Folder, "grains.db");
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddPrismEmbeddedGrainStorage(InnerStorageName, grainDb);
            silo.Services.AddGrainStorage(StorageName, (services, _) =>
                new GatedGrainStorage(services.GetRequiredKeyedService<IGrainStorage>(InnerStorageName), Writes));
            silo.AddIncomingGrainCallFilter(Calls);
            silo.Services.AddSingleton<IProductPipeline>(Pipeline);
            silo.Services.AddSingleton<IQueueBroker>(Broker);
            silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(Names));
            silo.Services.Configure<IngestionOptions>(o =>
            {
                o.MaxAttempts = MaxAttempts;
                o.RetryDelay = TimeSpan.FromMilliseconds(10);
            });
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await RealBroker.DisposeAsync();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>The grain storage of the (first) silo, to plant state as a crashed silo would have left it.</summary>
    public IGrainStorage Storage =>
        Cluster.Silos[0].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(StorageName);

    /// <summary>Writes <paramref name="state"/> as the persisted state of product <paramref name="key"/> (not yet active).</summary>
    public Task PlantStateAsync(string key, ProductState state) =>
        Storage.WriteStateAsync("product", Grains.GetGrain<IProductGrain>(key).GetGrainId(), new GrainState<ProductState>(state));

    public ProductScript Script(string key) => Pipeline.For(key);

    /// <summary>Polls the grain until <paramref name="condition"/> holds; fails with the last status otherwise.</summary>
    public async Task<ProductStatus> WaitForAsync(string key, Func<ProductStatus, bool> condition, string what, int seconds = 30)
    {
        var grain = Grains.GetGrain<IProductGrain>(key);
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var status = await grain.GetStatusAsync();
            if (condition(status)) return status;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out after {seconds} s waiting for product '{key}' to be {what}; it is {Describe(status)}");
            await Task.Delay(20);
        }
    }

    public Task<ProductStatus> WaitForStateAsync(string key, IngestStage stage, int seconds = 30) =>
        WaitForAsync(key, s => s.State == stage, stage.ToString(), seconds);

    public static string Describe(ProductStatus s) =>
        $"{s.State} (error: {s.Error ?? "none"}; history: {string.Join(" | ", s.History.Select(h => $"{h.Stage}: {h.Message}"))})";

    /// <summary>The status sets (of the PVS names) that contain <paramref name="key"/>.</summary>
    public async Task<IReadOnlyList<string>> SetsContainingAsync(string key)
    {
        string[] all =
        [
            Names.Preprocessing, Names.PreprocessSuccess, Names.PreprocessFailure,
            Names.Registering, Names.RegisterSuccess, Names.RegisterFailure,
            Names.Seeding, Names.SeedSuccess, Names.SeedFailure,
        ];
        var found = new List<string>();
        foreach (var set in all)
            if (await RealBroker.SetContainsAsync(set, key)) found.Add(set);
        return found;
    }

    public static string NewKey(string prefix) => $"{prefix}_{Guid.NewGuid():N}";
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "product grain cluster";
}

/// <summary>
/// The real broker with one extra: a push to a chosen queue can be held (after it is done) until the test releases
/// it. Everything else goes straight to the real broker; it only lets a test open a timing window deterministically.
/// </summary>
public sealed class GatedQueueBroker(IQueueBroker inner) : IQueueBroker
{
    private readonly ConcurrentDictionary<(string Queue, string Message), PushHold> _holds = new();

    /// <summary>The next push of <paramref name="message"/> onto <paramref name="queue"/> waits after it is done.</summary>
    public PushHold HoldAfterPush(string queue, string message) => _holds.GetOrAdd((queue, message), _ => new PushHold());

    public async Task PushAsync(string queue, string message, CancellationToken ct = default)
    {
        await inner.PushAsync(queue, message, ct);
        if (_holds.TryRemove((queue, message), out var hold))
        {
            hold.Pushed.TrySetResult();
            await hold.Released.Task;
        }
    }

    public Task<QueueLease?> TryReceiveAsync(string queue, string consumerId, CancellationToken ct = default) => inner.TryReceiveAsync(queue, consumerId, ct);
    public Task AckAsync(QueueLease lease, CancellationToken ct = default) => inner.AckAsync(lease, ct);
    public Task HeartbeatAsync(string consumerId, TimeSpan ttl, CancellationToken ct = default) => inner.HeartbeatAsync(consumerId, ttl, ct);
    public Task<int> RecoverAsync(string queue, string ownConsumerId, CancellationToken ct = default) => inner.RecoverAsync(queue, ownConsumerId, ct);
    public Task WaitAsync(string queue, TimeSpan max, CancellationToken ct = default) => inner.WaitAsync(queue, max, ct);
    public Task<IReadOnlyList<string>> ListAsync(string queue, CancellationToken ct = default) => inner.ListAsync(queue, ct);
    public Task SetAddAsync(string set, string member, CancellationToken ct = default) => inner.SetAddAsync(set, member, ct);
    public Task SetRemoveAsync(string set, string member, CancellationToken ct = default) => inner.SetRemoveAsync(set, member, ct);
    public Task<bool> SetContainsAsync(string set, string member, CancellationToken ct = default) => inner.SetContainsAsync(set, member, ct);
    public Task<IReadOnlyList<string>> SetMembersAsync(string set, CancellationToken ct = default) => inner.SetMembersAsync(set, ct);
    public Task SetReasonAsync(string set, string member, string reason, CancellationToken ct = default) => inner.SetReasonAsync(set, member, reason, ct);
    public Task<string?> GetReasonAsync(string set, string member, CancellationToken ct = default) => inner.GetReasonAsync(set, member, ct);
}

/// <summary>
/// The real (SQLite) grain storage with one extra: a chosen write can be held after it is done until the test
/// releases it, to open a timing window deterministically. Reads and writes go to the real storage.
/// </summary>
public sealed class GatedGrainStorage(IGrainStorage inner, WriteGate gate) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await inner.WriteStateAsync(stateName, grainId, grainState);
        if (gate.TryTake(grainId, grainState.State, out var hold))
        {
            hold.Pushed.TrySetResult();
            await hold.Released.Task;
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}

public sealed class WriteGate
{
    private readonly ConcurrentDictionary<GrainId, (Func<object?, bool> When, PushHold Hold)> _holds = new();

    /// <summary>The next write of grain <paramref name="grainId"/>'s state matching <paramref name="when"/> waits after it is done.</summary>
    public PushHold HoldWrite(GrainId grainId, Func<object?, bool> when)
    {
        var hold = new PushHold();
        _holds[grainId] = (when, hold);
        return hold;
    }

    internal bool TryTake(GrainId grainId, object? state, out PushHold hold)
    {
        hold = null!;
        if (!_holds.TryGetValue(grainId, out var entry) || !entry.When(state)) return false;
        if (!_holds.TryRemove(new KeyValuePair<GrainId, (Func<object?, bool>, PushHold)>(grainId, entry))) return false;
        hold = entry.Hold;
        return true;
    }
}

/// <summary>A held operation: <see cref="Pushed"/> completes when it is done and waiting; the test completes <see cref="Released"/>.</summary>
public sealed class PushHold
{
    public TaskCompletionSource Pushed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Incoming call filter that lets a test know a grain call has reached its grain (the filter runs in the grain's
/// turn right before the method, so anything the test does after the signal is queued behind the method's first step).
/// </summary>
public sealed class CallProbe : IIncomingGrainCallFilter
{
    private readonly ConcurrentDictionary<(string Key, string Method), TaskCompletionSource> _waiters = new();

    /// <summary>Completes when the next call of <paramref name="method"/> reaches grain <paramref name="key"/>.</summary>
    public Task NextCall(string key, string method)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[(key, method)] = waiter;
        return waiter.Task;
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (_waiters.TryRemove((context.TargetId.Key.ToString()!, context.MethodName), out var waiter))
            waiter.TrySetResult();
        return context.Invoke();
    }
}
