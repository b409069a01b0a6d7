using Microsoft.Extensions.Options;

namespace Prism.Ingestion;

/// <summary>
/// Runs CPU-heavy GDAL work off the Orleans scheduler, on thread-pool threads, at most
/// <see cref="IngestionOptions.MaxParallelConversions"/> at a time per silo. Each job opens its own GDAL handles.
/// </summary>
public sealed class GdalWorkPool(IOptions<IngestionOptions> options)
{
    private readonly SemaphoreSlim _gate = new(options.Value.MaxParallelConversions);

    public async Task<T> RunAsync<T>(Func<T> work, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            // An explicit default scheduler: called from a grain, Task.Factory would otherwise stay on the grain's.
            return await Task.Factory.StartNew(work, ct, TaskCreationOptions.DenyChildAttach, TaskScheduler.Default)
                .ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
