using Microsoft.Extensions.Options;
using Prism.Gateway.Queues;
using Prism.Maps;
using Prism.Queues;

namespace Prism.Gateway.Maps;

/// <summary>
/// Consumes <c>seed_queue</c> with the reliable pattern of <see cref="QueueBridge"/>: an entry is moved into this
/// consumer's processing list, a new <see cref="ISeedJobGrain"/> accepts it (state persisted, job in
/// <c>seeding_set</c>), and only then the entry is acknowledged. Malformed entries go to <c>seed-failure_set</c> with a
/// reason. Each entry becomes one job (an entry re-delivered after a crash between acceptance and ack seeds again —
/// harmless: the tiles come from the store).
/// </summary>
public sealed class SeedBridge(
    IQueueBroker broker,
    IGrainFactory grains,
    IOptions<QueueNames> names,
    IOptions<GatewayOptions> options,
    ILogger<SeedBridge> log) : BackgroundService
{
    private readonly QueueNames _names = names.Value;
    private readonly GatewayOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await broker.HeartbeatAsync(_options.ConsumerId, _options.ConsumerTtl, stop);
        var recovered = await broker.RecoverAsync(_names.Seed, _options.ConsumerId, stop);
        if (recovered > 0) log.LogWarning("Recovered {Count} unacknowledged item(s) of {Queue}", recovered, _names.Seed);
        await Task.WhenAll(ConsumeAsync(stop), RecoverDeadAsync(stop));
    }

    private async Task RecoverDeadAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ConsumerTtl, stop);
                await broker.HeartbeatAsync(_options.ConsumerId, _options.ConsumerTtl, stop);
                var n = await broker.RecoverAsync(_names.Seed, "-", stop);
                if (n > 0) log.LogWarning("Recovered {Count} item(s) of dead consumers on {Queue}", n, _names.Seed);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Seed queue recovery failed"); }
        }
    }

    private async Task ConsumeAsync(CancellationToken stop)
    {
        var backoff = TimeSpan.FromMilliseconds(200);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var lease = await broker.TryReceiveAsync(_names.Seed, _options.ConsumerId, stop);
                if (lease is null)
                {
                    await broker.WaitAsync(_names.Seed, TimeSpan.FromSeconds(2), stop);
                    continue;
                }
                await HandleAsync(lease, stop);
                backoff = TimeSpan.FromMilliseconds(200);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                log.LogError(e, "Seed bridge error; retrying in {Delay}", backoff);
                await Task.Delay(backoff, stop).ContinueWith(_ => { }, TaskScheduler.Default);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    private async Task HandleAsync(QueueLease lease, CancellationToken stop)
    {
        var (request, error) = SeedMessages.Decode(lease.Message);
        if (error is not null)
        {
            var member = SeedMessages.Short(lease.Message.Trim());
            log.LogWarning("Rejected entry of {Queue}: {Reason}", lease.Queue, error);
            await broker.SetReasonAsync(_names.SeedFailure, member, error, stop);
            await broker.SetAddAsync(_names.SeedFailure, member, stop);
            await broker.AckAsync(lease, stop);
            return;
        }
        var id = SeedJobs.NewId();
        var delay = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var status = await grains.GetGrain<ISeedJobGrain>(id).StartAsync(request!);
                log.LogInformation("{Queue}: seed job {Id} for {Begin}/{End} is {State}", lease.Queue, id, request!.Begin, request.End, status.State);
                break;
            }
            catch (Exception e) when (attempt < 40 && !stop.IsCancellationRequested)
            {
                log.LogWarning("{Queue}: seed job {Id} not accepted yet ({Message}); retry {Attempt}", lease.Queue, id, e.Message, attempt);
                await Task.Delay(delay, stop);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
        await broker.AckAsync(lease, stop);
    }
}

/// <summary>
/// Asks every job in <c>seeding_set</c> to resume, at start and every <see cref="GatewayOptions.ReconcileInterval"/>:
/// a job whose silo died is reactivated elsewhere and carries on from its persisted cursor.
/// </summary>
public sealed class SeedReconciler(
    IQueueBroker broker,
    IGrainFactory grains,
    IOptions<QueueNames> names,
    IOptions<GatewayOptions> options,
    ILogger<SeedReconciler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), stop).ContinueWith(_ => { }, TaskScheduler.Default);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                foreach (var id in await broker.SetMembersAsync(names.Value.Seeding, stop))
                    if (SeedJobs.IsValidId(id)) await grains.GetGrain<ISeedJobGrain>(id).ResumeAsync();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Seed reconciliation pass failed"); }
            await Task.Delay(options.Value.ReconcileInterval, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
