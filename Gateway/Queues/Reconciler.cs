using Microsoft.Extensions.Options;
using Prism.Products;
using Prism.Queues;

namespace Prism.Gateway.Queues;

/// <summary>
/// Asks every product in the in-flight status sets (<c>preprocessing_set</c>, <c>registering_set</c>) to resume,
/// at start and periodically: a product whose silo died mid-work is reactivated elsewhere and carries on.
/// </summary>
public sealed class Reconciler(
    IQueueBroker broker,
    IGrainFactory grains,
    IOptions<QueueNames> names,
    IOptions<GatewayOptions> options,
    ILogger<Reconciler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        await Task.Delay(TimeSpan.FromSeconds(1), stop).ContinueWith(_ => { }, TaskScheduler.Default);
        while (!stop.IsCancellationRequested)
        {
            try
            {
                foreach (var set in new[] { names.Value.Preprocessing, names.Value.Registering })
                foreach (var key in await broker.SetMembersAsync(set, stop))
                {
                    if (!ProductKeys.IsValid(key)) continue;
                    await grains.GetGrain<IProductGrain>(key).ResumeAsync();
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Reconciliation pass failed"); }
            await Task.Delay(options.Value.ReconcileInterval, stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }
}
