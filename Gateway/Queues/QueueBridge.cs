using Microsoft.Extensions.Options;
using Prism.Products;
using Prism.Queues;

namespace Prism.Gateway.Queues;

/// <summary>
/// Moves PVS queue entries into product grains with at-least-once delivery: an entry is moved atomically into this
/// consumer's processing list, handed to the grain (which persists it), and only then acknowledged. Entries of a
/// consumer that died are put back by <see cref="IQueueBroker.RecoverAsync"/>. Malformed entries go to the
/// failure set with a reason and never stop the bridge.
/// </summary>
public sealed class QueueBridge(
    IQueueBroker broker,
    IGrainFactory grains,
    IOptions<QueueNames> names,
    IOptions<GatewayOptions> options,
    ILogger<QueueBridge> log) : BackgroundService
{
    private readonly QueueNames _names = names.Value;
    private readonly GatewayOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var queues = new (string Queue, IngestKind Kind, string FailureSet)[]
        {
            (_names.Preprocess, IngestKind.Package, _names.PreprocessFailure),
            (_names.PreprocessMetadata, IngestKind.MetadataMessage, _names.PreprocessFailure),
            (_names.Register, IngestKind.RegisterPrefix, _names.RegisterFailure),
        };
        await broker.HeartbeatAsync(_options.ConsumerId, _options.ConsumerTtl, stop);
        foreach (var q in queues)
        {
            var recovered = await broker.RecoverAsync(q.Queue, _options.ConsumerId, stop);
            if (recovered > 0) log.LogWarning("Recovered {Count} unacknowledged item(s) of {Queue}", recovered, q.Queue);
        }
        var loops = queues.Select(q => ConsumeAsync(q.Queue, q.Kind, q.FailureSet, stop)).ToList();
        loops.Add(HeartbeatAsync(queues.Select(q => q.Queue).ToArray(), stop));
        await Task.WhenAll(loops);
    }

    private async Task HeartbeatAsync(string[] queues, CancellationToken stop)
    {
        var beat = _options.ConsumerTtl / 4;
        var lastRecovery = DateTime.UtcNow;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(beat, stop);
                await broker.HeartbeatAsync(_options.ConsumerId, _options.ConsumerTtl, stop);
                if (DateTime.UtcNow - lastRecovery > _options.ConsumerTtl)
                {
                    lastRecovery = DateTime.UtcNow;
                    foreach (var q in queues)
                    {
                        // "-" is no consumer: only dead consumers' items are moved back.
                        var n = await broker.RecoverAsync(q, "-", stop);
                        if (n > 0) log.LogWarning("Recovered {Count} item(s) of dead consumers on {Queue}", n, q);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Queue heartbeat failed"); }
        }
    }

    private async Task ConsumeAsync(string queue, IngestKind kind, string failureSet, CancellationToken stop)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var lease = await broker.TryReceiveAsync(queue, _options.ConsumerId, stop);
                if (lease is null)
                {
                    await broker.WaitAsync(queue, TimeSpan.FromSeconds(2), stop);
                    continue;
                }
                await HandleAsync(lease, kind, failureSet, stop);
                backoff = TimeSpan.FromMilliseconds(200);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // The item (if any) stays in our processing list and is recovered on restart or next recovery.
                log.LogError(e, "Queue bridge error on {Queue}; retrying in {Delay}", queue, backoff);
                await Task.Delay(backoff, stop).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task HandleAsync(QueueLease lease, IngestKind kind, string failureSet, CancellationToken stop)
    {
        var decoded = QueueMessages.Decode(kind, lease.Message, lease.Queue);
        if (decoded.Error is not null)
        {
            var member = QueueMessages.Short(lease.Message.Trim());
            log.LogWarning("Rejected entry of {Queue}: {Reason}", lease.Queue, decoded.Error);
            await broker.SetReasonAsync(failureSet, member, decoded.Error, stop);
            await broker.SetAddAsync(failureSet, member, stop);
            await broker.AckAsync(lease, stop);
            return;
        }
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var status = await grains.GetGrain<IProductGrain>(decoded.Key!).SubmitAsync(decoded.Request!);
                log.LogDebug("{Queue}: {Key} accepted in state {State}", lease.Queue, decoded.Key, status.State);
                break;
            }
            catch (Exception e) when (attempt < 40 && !stop.IsCancellationRequested)
            {
                log.LogWarning("{Queue}: {Key} not accepted yet ({Message}); retry {Attempt}", lease.Queue, decoded.Key, e.Message, attempt);
                await Task.Delay(delay, stop);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
        await broker.AckAsync(lease, stop);
    }
}
