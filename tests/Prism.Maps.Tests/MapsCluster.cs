using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using Prism.Catalog;
using Prism.Gateway.Maps;
using Prism.Ingestion;
using Prism.Maps;
using Prism.Persistence;
using Prism.Queues;
using Prism.Storage;

namespace Prism.Tests.Maps;

/// <summary>
/// An in-process Orleans silo configured like the embedded profile with real parts: the SQLite catalog, file-system
/// object stores, the SQLite queue broker, SQLite grain storage and the GDAL renderer (wrapped in a
/// <see cref="CountingRenderer"/> that counts renders and can hold them). Each test makes its own (unique temp folder);
/// <see cref="RestartAsync"/> replaces the silo by a new one over the same files.
/// </summary>
public sealed class MapsCluster : IAsyncDisposable
{
    public string Folder { get; } = TestEnvironment.TempFolder("maps");
    public SqliteCatalog Catalog { get; }
    public ObjectStores Stores { get; }
    public SqliteQueueBroker Broker { get; }
    public QueueNames Names { get; } = new();
    public MapsOptions Options { get; }
    public CountingRenderer Renderer { get; } = new(new GdalMapRenderer());
    /// <summary>Counts calls that reach tile grains (reset with <see cref="TileCallCounter.Reset"/>).</summary>
    public TileCallCounter TileCalls { get; } = new();
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public LayerCatalog Layers { get; }
    public TilePlanner Planner { get; }
    public MapBackend Backend { get; private set; } = null!;
    /// <summary>The silo's tile memory (a new one per silo, as a process has its own).</summary>
    public TileMemory Memory { get; private set; } = null!;
    /// <summary>Whether <see cref="Backend"/> reads the silo's <see cref="Memory"/> as a co-hosted gateway does.</summary>
    public bool CoHosted { get; private init; }
    public string DataFolder => Path.Combine(Folder, "data");

    private MapsCluster(MapsOptions options)
    {
        Directory.CreateDirectory(DataFolder);
        Options = options;
        Catalog = new SqliteCatalog(Path.Combine(Folder, "catalog.db"));
        Stores = new ObjectStores(new FileSystemObjectStore(Path.Combine(Folder, "input")), new FileSystemObjectStore(Path.Combine(Folder, "objects")));
        Broker = new SqliteQueueBroker(Path.Combine(Folder, "queues.db"));
        Layers = new LayerCatalog(Catalog, Microsoft.Extensions.Options.Options.Create(options));
        Planner = new TilePlanner(Stores);
    }

    public IGrainFactory Grains => Cluster.Client;

    /// <param name="coHosted">The backend reads hot tiles from the silo's <see cref="TileMemory"/> (as the co-hosted
    /// gateway does); by default every tile goes through its grain.</param>
    public static async Task<MapsCluster> StartAsync(Action<MapsOptions>? configure = null, bool coHosted = false)
    {
        // No snapshot reuse: every request sees the catalog as it is (production reuses it for 5 s).
        var options = new MapsOptions { LayerCacheTime = TimeSpan.Zero };
        configure?.Invoke(options);
        var cluster = new MapsCluster(options) { CoHosted = coHosted };
        await cluster.Catalog.MigrateAsync();
        await cluster.StartSiloAsync();
        return cluster;
    }

    private async Task StartSiloAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        var grainDb = Path.Combine(Folder, "grains.db");
        var memory = new TileMemory(Microsoft.Extensions.Options.Options.Create(Options));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddPrismEmbeddedGrainStorage("products", grainDb);
            silo.AddIncomingGrainCallFilter(TileCalls);
            silo.Services.AddSingleton<ICatalog>(Catalog);
            silo.Services.AddSingleton<IObjectStores>(Stores);
            silo.Services.AddSingleton<IQueueBroker>(Broker);
            silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(Names));
            silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(Options));
            silo.Services.Configure<IngestionOptions>(o => o.MaxParallelConversions = 2);
            silo.Services.AddSingleton<GdalWorkPool>();
            silo.Services.AddSingleton<IMapRenderer>(Renderer);
            silo.Services.AddSingleton<LayerCatalog>();
            silo.Services.AddSingleton<TilePlanner>();
            silo.Services.AddSingleton(memory);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Memory = memory;
        Backend = new MapBackend(Cluster.Client, Layers, Planner, Microsoft.Extensions.Options.Options.Create(Options), CoHosted ? memory : null);
    }

    /// <summary>Stops the silo without waiting for its grains (as a crash would) and starts a new one on the same files.</summary>
    public async Task RestartAsync()
    {
        var old = Cluster;
        await old.KillSiloAsync(old.Silos[0]);
        try { await old.DisposeAsync(); } catch (Exception) { /* the killed silo is gone either way */ }
        await StartSiloAsync();
    }

    /// <summary>Deactivates every idle grain (as the collector does after the collection age).</summary>
    public Task CollectIdleAsync() =>
        Grains.GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

    public async Task<ProductRecord> RegisterAsync(string id, double west, double south, double east, double north, string begin,
        TimeSpan? length = null)
    {
        var record = await MapsTestData.PublishAsync(Stores.Output, DataFolder, id, west, south, east, north, MapsTestData.T(begin), length);
        await Catalog.RegisterAsync(record);
        return record;
    }

    public async ValueTask DisposeAsync()
    {
        Renderer.ReleaseAll();
        try { await Cluster.DisposeAsync(); } catch (Exception) { }
        await Broker.DisposeAsync();
        Stores.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The real renderer with a render counter and an optional hold (renders after the first N wait).</summary>
public sealed class CountingRenderer(IMapRenderer inner) : IMapRenderer
{
    private int _renders;
    private int _holdAfter = int.MaxValue;
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private long _renderTicks;

    public int Renders => Volatile.Read(ref _renders);

    /// <summary>Time spent in the inner renderer's <see cref="Render"/>, summed over threads.</summary>
    public TimeSpan RenderTime => TimeSpan.FromTicks(Interlocked.Read(ref _renderTicks));

    /// <summary>Renders after the first <paramref name="n"/> wait until <see cref="ReleaseAll"/>.</summary>
    public void HoldAfter(int n) => Volatile.Write(ref _holdAfter, n);

    /// <summary>Completes when a render is being held.</summary>
    public Task Holding => _holding.Task;

    /// <summary>Lets held renders go on failing (they belong to a dead silo) and stops holding new ones.</summary>
    public void ReleaseAll()
    {
        Volatile.Write(ref _holdAfter, int.MaxValue);
        _released.TrySetResult();
    }

    public EncodedImage Render(RenderSpec spec, CancellationToken ct)
    {
        var n = Interlocked.Increment(ref _renders);
        if (n > Volatile.Read(ref _holdAfter))
        {
            _holding.TrySetResult();
            _released.Task.Wait(ct);
            throw new OperationCanceledException("held render abandoned");
        }
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        try { return inner.Render(spec, ct); }
        finally { Interlocked.Add(ref _renderTicks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks); }
    }

    public byte[]? RenderRgba(RenderSpec spec, CancellationToken ct) => inner.RenderRgba(spec, ct);
    public byte[] RenderOutlinesRgba(IReadOnlyList<string> footprintsWkt, string crs, double[] extent, int width, int height, uint rgba) =>
        inner.RenderOutlinesRgba(footprintsWkt, crs, extent, width, height, rgba);
    public EncodedImage Encode(byte[] rgba, int width, int height, ImageFormat format, bool transparent, int background) =>
        inner.Encode(rgba, width, height, format, transparent, background);
}

/// <summary>Counts <see cref="ITileGrain.GetAsync"/> calls as they reach their grains.</summary>
public sealed class TileCallCounter : IIncomingGrainCallFilter
{
    private int _calls;
    public int Calls => Volatile.Read(ref _calls);
    public void Reset() => Interlocked.Exchange(ref _calls, 0);

    public Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(ITileGrain)) Interlocked.Increment(ref _calls);
        return context.Invoke();
    }
}

[CollectionDefinition(Name)]
public sealed class MapsClusterCollection
{
    public const string Name = "maps clusters";
}
