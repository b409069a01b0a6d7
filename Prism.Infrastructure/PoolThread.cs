namespace Prism;

/// <summary>
/// Blocking or long work must not run on a socket event thread: the gateway runs socket completions and its request
/// pipeline inline on those threads (<c>Prism:Http:InlineScheduling</c>), so whatever a handler does before its first
/// real asynchronous wait, and whatever follows a socket read, runs there and stalls every connection of that thread.
/// Code that is about to block (SQLite, a catalog snapshot build) awaits <see cref="EnsureAsync"/> first.
/// </summary>
public static class PoolThread
{
    /// <summary>Completes at once on a thread-pool thread (grain turns run there too); from any other thread — a socket
    /// event thread — continues on the pool.</summary>
    public static async ValueTask EnsureAsync()
    {
        if (!Thread.CurrentThread.IsThreadPoolThread) await Task.Yield();
    }
}
