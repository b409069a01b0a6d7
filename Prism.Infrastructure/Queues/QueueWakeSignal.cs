namespace Prism.Queues;

/// <summary>A wake-up that every current waiter sees: waking completes the current task and swaps in a fresh one.</summary>
internal sealed class QueueWakeSignal
{
    private TaskCompletionSource _current = NewSource();

    /// <summary>Completes at the next <see cref="Wake"/>; take it before looking at the queue.</summary>
    public Task Current => Volatile.Read(ref _current).Task;

    public void Wake() => Interlocked.Exchange(ref _current, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// The wait loop shared by the brokers: returns when <paramref name="hasMessages"/> says so, when woken, or
    /// when <paramref name="max"/> passed; looks again every <paramref name="pollInterval"/> without a wake-up.
    /// </summary>
    public static async Task WaitAsync(QueueWakeSignal signal, Func<Task<bool>> hasMessages, TimeSpan max,
        TimeSpan pollInterval, CancellationToken ct)
    {
        var deadline = DateTimeOffset.UtcNow + (max < TimeSpan.Zero ? TimeSpan.Zero : max);
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            // Take the wake-up task before looking, so that a push between the look and the wait is not lost.
            var woken = signal.Current;
            if (await hasMessages().ConfigureAwait(false)) return;
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero) return;
            var slice = pollInterval == Timeout.InfiniteTimeSpan || pollInterval > remaining ? remaining : pollInterval;
            try
            {
                await woken.WaitAsync(slice, ct).ConfigureAwait(false);
                return;
            }
            catch (TimeoutException)
            {
                // Look again.
            }
        }
    }
}
