using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prism.Catalog;
using Prism.Ingestion;
using Prism.Queues;

namespace Prism.Products;

/// <inheritdoc cref="IProductGrain"/>
public sealed class ProductGrain(
    [PersistentState("product", "products")] IPersistentState<ProductState> store,
    IProductPipeline pipeline,
    IQueueBroker broker,
    IOptions<QueueNames> queueNames,
    IOptions<IngestionOptions> ingestionOptions,
    ILogger<ProductGrain> log) : Grain, IProductGrain
{
    private const int MaxHistory = 200;
    private readonly QueueNames _names = queueNames.Value;
    private readonly IngestionOptions _options = ingestionOptions.Value;
    private Task? _work;
    private ProductState S => store.State;
    private string Key => this.GetPrimaryKeyString();
    private bool Busy => _work is { IsCompleted: false };

    public async Task<ProductStatus> SubmitAsync(IngestRequest request)
    {
        if (!ProductKeys.IsValid(Key)) throw new ArgumentException($"invalid product key '{Key}'");
        await SettleAsync();
        switch (request.Kind)
        {
            case IngestKind.Package or IngestKind.MetadataMessage:
                if (IsRedelivery(request)) return Status();
                if (Busy) throw new InvalidOperationException($"product '{Key}' is busy in stage {S.State}; try again later");
                S.Exists = true;
                S.Request = request;
                S.Error = null; S.FailedStage = null;
                S.RegisterQueued = false; S.SeedQueued = false;
                // In preprocessing_set from acceptance on (before the queue entry is acknowledged): a product waiting
                // for a conversion slot when the silo dies is found and resumed by the reconciler like one in work.
                await MoveAsync(IngestStage.Queued, $"accepted {request.Kind} from {request.Source}: {Describe(request)}", _names.Preprocessing);
                break;
            case IngestKind.RegisterPrefix or IngestKind.StacItem:
                if (IsRedelivery(request)) return Status();
                // Our own register message can overtake the end of the preprocessing run that pushed it.
                if (Busy && S.State == IngestStage.Preprocessed) await _work!;
                if (Busy) throw new InvalidOperationException($"product '{Key}' is busy in stage {S.State}; try again later");
                S.Exists = true;
                if (request.Kind == IngestKind.StacItem || S.Request is null || S.State is not IngestStage.Preprocessed)
                    S.Request = request;
                S.RegisterPayload = request.Payload;
                S.Error = null; S.FailedStage = null; S.SeedQueued = false;
                await MoveAsync(IngestStage.Registering, $"registration requested from {request.Source}: {Describe(request)}",
                    _names.Registering);
                break;
        }
        StartWork();
        return Status();
    }

    public Task<ProductStatus> GetStatusAsync() => Task.FromResult(Status());

    public Task<ProductStatus> ResumeAsync()
    {
        var interrupted = S.State is IngestStage.Queued or IngestStage.Preprocessing or IngestStage.Registering
                          || (S.State == IngestStage.Preprocessed && !S.RegisterQueued);
        if (S.Exists && !Busy && interrupted)
        {
            log.LogInformation("Resuming product {Key} in stage {Stage}", Key, S.State);
            StartWork();
        }
        return Task.FromResult(Status());
    }

    public async Task<ProductStatus> DeregisterAsync()
    {
        if (!S.Exists) return Status();
        await SettleAsync();
        if (Busy) throw new InvalidOperationException($"product '{Key}' is busy in stage {S.State}; try again later");
        if (S.Identifier is not null)
            await pipeline.DeregisterAsync(S.Identifier, S.OutputPrefix, CancellationToken.None);
        foreach (var set in new[] { _names.PreprocessSuccess, _names.RegisterSuccess, _names.PreprocessFailure, _names.RegisterFailure })
            await broker.SetRemoveAsync(set, Key);
        await MoveAsync(IngestStage.Deregistered, "removed from the catalog and the output store", null);
        return Status();
    }

    /// <summary>A run that already reached a resting stage only has its last writes left: wait for them, so a
    /// caller who saw the resting state is not told the product is busy.</summary>
    private async Task SettleAsync()
    {
        if (Busy && S.State is IngestStage.Registered or IngestStage.Failed or IngestStage.Deregistered)
            await _work!;
    }

    private bool IsRedelivery(IngestRequest request)
    {
        if (!S.Exists || request.Force || S.State == IngestStage.Failed || S.State == IngestStage.Deregistered) return false;
        return request.Kind switch
        {
            IngestKind.Package or IngestKind.MetadataMessage => S.Request?.Kind == request.Kind && S.Request.Payload == request.Payload,
            // A register message for a product already registering/registered from the same payload.
            _ => S.RegisterPayload == request.Payload && S.State is IngestStage.Registering or IngestStage.Registered
                 or IngestStage.Seeding or IngestStage.Seeded,
        };
    }

    private void StartWork()
    {
        if (Busy) return;
        DelayDeactivation(TimeSpan.FromHours(1));
        _work = RunAsync();
    }

    /// <summary>Runs the stages from the current one until the product rests (registered, failed, or waiting
    /// for its register message).</summary>
    private async Task RunAsync()
    {
        while (true)
        {
            switch (S.State)
            {
                case IngestStage.Queued:
                    await MoveAsync(IngestStage.Preprocessing, "preprocessing", _names.Preprocessing);
                    break;
                case IngestStage.Preprocessing:
                {
                    var request = S.Request!;
                    var (ok, manifest) = await AttemptAsync(IngestStage.Preprocessing,
                        ct => pipeline.PreprocessAsync(Key, request, ct));
                    if (!ok) return;
                    S.Identifier = manifest!.Identifier;
                    S.OutputPrefix = manifest.Prefix;
                    S.BeginTime = manifest.BeginTime;
                    S.EndTime = manifest.EndTime;
                    S.RegisterQueued = false;
                    await MoveAsync(IngestStage.Preprocessed,
                        $"published {manifest.Coverages.Count} COG(s) under '{manifest.Prefix}'", null);
                    break;
                }
                case IngestStage.Preprocessed when !S.RegisterQueued:
                {
                    var ok = await AttemptAsync<bool>(IngestStage.Preprocessed, async ct =>
                    {
                        await broker.PushAsync(_names.Register, S.OutputPrefix!, ct);
                        await SwapSetAsync(_names.Preprocessing, _names.PreprocessSuccess, null, ct);
                        return true;
                    });
                    if (!ok.Ok) return;
                    S.RegisterQueued = true;
                    S.StatusSet = _names.PreprocessSuccess;
                    await store.WriteStateAsync();
                    return; // the register message comes back through register_queue
                }
                case IngestStage.Registering:
                {
                    var request = S.RegisterPayload is { } payload && S.Request?.Kind != IngestKind.StacItem
                        ? new IngestRequest { Kind = IngestKind.RegisterPrefix, Payload = payload, Source = "resume" }
                        : S.Request!;
                    var (ok, record) = await AttemptAsync(IngestStage.Registering,
                        ct => pipeline.RegisterAsync(Key, request, ct));
                    if (!ok) return;
                    S.Identifier = record!.Identifier;
                    S.BeginTime = record.BeginTime;
                    S.EndTime = record.EndTime;
                    S.OutputPrefix ??= record.Prefix;
                    var pushed = await AttemptAsync<bool>(IngestStage.Registering, async ct =>
                    {
                        if (!S.SeedQueued)
                            await broker.PushAsync(_names.Seed, $"{Iso(record.BeginTime)}/{Iso(record.EndTime)}", ct);
                        await SwapSetAsync(_names.Registering, _names.RegisterSuccess, null, ct);
                        return true;
                    });
                    if (!pushed.Ok) return;
                    S.SeedQueued = true;
                    S.StatusSet = _names.RegisterSuccess;
                    await MoveAsync(IngestStage.Registered,
                        $"registered '{record.Identifier}' in {string.Join(", ", record.Collections)}", null);
                    return;
                }
                default:
                    return;
            }
        }
    }

    /// <summary>Runs one step with retries: permanent errors fail at once, transient ones back off and retry.</summary>
    private async Task<(bool Ok, T? Value)> AttemptAsync<T>(IngestStage stage, Func<CancellationToken, Task<T>> step)
    {
        var delay = _options.RetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (true, await step(CancellationToken.None));
            }
            catch (PermanentIngestException e)
            {
                await FailAsync(stage, e.Message);
                return (false, default);
            }
            catch (Exception e) when (attempt < _options.MaxAttempts)
            {
                log.LogWarning(e, "Product {Key}: transient failure in {Stage} (attempt {Attempt})", Key, stage, attempt);
                Record(stage, $"attempt {attempt} failed, retrying in {delay.TotalSeconds:0.#} s: {e.Message}");
                await store.WriteStateAsync();
                await Task.Delay(delay);
                delay *= 2;
            }
            catch (Exception e)
            {
                log.LogError(e, "Product {Key}: giving up in {Stage}", Key, stage);
                await FailAsync(stage, $"gave up after {attempt} attempts: {e.Message}");
                return (false, default);
            }
        }
    }

    private async Task FailAsync(IngestStage stage, string reason)
    {
        var preprocessing = stage is IngestStage.Queued or IngestStage.Preprocessing or IngestStage.Preprocessed;
        var (from, to) = preprocessing
            ? (_names.Preprocessing, _names.PreprocessFailure)
            : (_names.Registering, _names.RegisterFailure);
        S.FailedStage = stage;
        S.Error = reason;
        // The status sets are best effort here: the state below is the truth, and a later resume fixes the sets.
        try { await SwapSetAsync(from, to, reason, CancellationToken.None); }
        catch (Exception e) { log.LogError(e, "Product {Key}: could not update the status sets", Key); }
        S.StatusSet = to;
        await MoveAsync(IngestStage.Failed, $"failed in {stage}: {reason}", null);
    }

    private async Task SwapSetAsync(string from, string to, string? reason, CancellationToken ct)
    {
        if (reason is not null) await broker.SetReasonAsync(to, Key, reason, ct);
        await broker.SetAddAsync(to, Key, ct);
        await broker.SetRemoveAsync(from, Key, ct);
    }

    /// <summary>Enters a stage: the status set first (so a crash leaves the product visible as in flight), then the state.</summary>
    private async Task MoveAsync(IngestStage stage, string message, string? enterSet)
    {
        if (enterSet is not null)
        {
            foreach (var stale in StaleSets(enterSet)) await broker.SetRemoveAsync(stale, Key);
            await broker.SetAddAsync(enterSet, Key);
            S.StatusSet = enterSet;
        }
        S.State = stage;
        Record(stage, message);
        await store.WriteStateAsync();
    }

    private IEnumerable<string> StaleSets(string enterSet) => enterSet == _names.Preprocessing
        ? [_names.PreprocessSuccess, _names.PreprocessFailure, _names.RegisterSuccess, _names.RegisterFailure]
        : [_names.RegisterSuccess, _names.RegisterFailure];

    private void Record(IngestStage stage, string message)
    {
        S.History.Add(new Transition(DateTimeOffset.UtcNow, stage, message));
        if (S.History.Count > MaxHistory) S.History.RemoveRange(0, S.History.Count - MaxHistory);
    }

    private ProductStatus Status() => new()
    {
        Id = Key,
        State = S.State,
        Identifier = S.Identifier,
        FailedStage = S.FailedStage,
        Error = S.Error,
        History = S.History.ToArray(),
        OutputPrefix = S.OutputPrefix,
        BeginTime = S.BeginTime,
        EndTime = S.EndTime,
        Input = S.Request is null ? null : Describe(S.Request),
    };

    private static string Describe(IngestRequest r) => r.Kind switch
    {
        IngestKind.Package or IngestKind.RegisterPrefix => r.Payload.Length > 300 ? r.Payload[..300] : r.Payload,
        _ => $"{r.Kind} ({r.Payload.Length} bytes)",
    };

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'");
}
