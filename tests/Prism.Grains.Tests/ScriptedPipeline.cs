using System.Collections.Concurrent;
using Prism.Catalog;
using Prism.Ingestion;
using Prism.Products;

namespace Prism.Tests.Grains;

/// <summary>
/// Test double for <see cref="IProductPipeline"/>, the grain's side-effect interface (its real implementation is
/// covered by the end-to-end tests). Each product key has its own script, so tests sharing the cluster do not
/// interfere: every step succeeds unless the test tells it to fail permanently, fail transiently N times, or block.
/// </summary>
public sealed class ScriptedPipeline : IProductPipeline
{
    private readonly ConcurrentDictionary<string, ProductScript> _scripts = new(StringComparer.Ordinal);

    /// <summary>Deregistrations seen, as (identifier, prefix).</summary>
    public ConcurrentQueue<(string Identifier, string? Prefix)> Deregistrations { get; } = new();

    public ProductScript For(string productKey) => _scripts.GetOrAdd(productKey, k => new ProductScript(k));

    public Task<ProductRecord> PreprocessAsync(string productKey, IngestRequest request, CancellationToken ct)
    {
        var script = For(productKey);
        return script.Preprocess.RunAsync(request, () => script.Record(withCollections: false));
    }

    public Task<ProductRecord> RegisterAsync(string productKey, IngestRequest request, CancellationToken ct)
    {
        var script = For(productKey);
        return script.Register.RunAsync(request, () => script.Record(withCollections: true));
    }

    public Task DeregisterAsync(string identifier, string? prefix, CancellationToken ct)
    {
        Deregistrations.Enqueue((identifier, prefix));
        return Task.CompletedTask;
    }
}

/// <summary>What the pipeline does for one product, and what it was asked.</summary>
public sealed class ProductScript
{
    private static int _products;

    public ProductScript(string key)
    {
        Key = key;
        // Distinct times per product, so each product's seed_queue message can be told apart.
        BeginTime = new DateTimeOffset(2021, 3, 4, 10, 11, 12, TimeSpan.Zero).AddMinutes(Interlocked.Increment(ref _products));
        EndTime = BeginTime.AddSeconds(30.5);
    }

    public string Key { get; }
    public string Identifier => $"ID_{Key}";
    public string Prefix => $"products/{Key}/";
    public DateTimeOffset BeginTime { get; set; }
    public DateTimeOffset EndTime { get; set; }

    public StepScript Preprocess { get; } = new("preprocess");
    public StepScript Register { get; } = new("register");

    internal ProductRecord Record(bool withCollections) => new()
    {
        Identifier = Identifier,
        ProductType = "TEST",
        Collections = withCollections ? ["TEST_COLLECTION"] : [],
        BeginTime = BeginTime,
        EndTime = EndTime,
        FootprintWkt = "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)))",
        Prefix = Prefix,
    };
}

/// <summary>One pipeline step of one product: its behaviour and the calls it received.</summary>
public sealed class StepScript(string name)
{
    private int _calls;
    private volatile TaskCompletionSource? _gate;
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many times the step was called.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The requests the step was called with, in order.</summary>
    public ConcurrentQueue<IngestRequest> Requests { get; } = new();

    /// <summary>The first N calls throw an <see cref="IOException"/> (a transient error).</summary>
    public int TransientFailures { get; set; }

    /// <summary>When set, every call throws a <see cref="PermanentIngestException"/> with this reason.</summary>
    public string? PermanentReason { get; set; }

    /// <summary>Completes when the step was called for the first time.</summary>
    public Task Entered => _entered.Task;

    /// <summary>From now on, calls wait in the step until <see cref="Release"/>.</summary>
    public void Block() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate?.TrySetResult();

    internal async Task<ProductRecord> RunAsync(IngestRequest request, Func<ProductRecord> result)
    {
        var call = Interlocked.Increment(ref _calls);
        Requests.Enqueue(request);
        _entered.TrySetResult();
        if (_gate is { } gate) await gate.Task;
        if (PermanentReason is { } reason) throw new PermanentIngestException(reason);
        if (call <= TransientFailures) throw new IOException($"simulated transient {name} failure #{call}");
        return result();
    }
}
