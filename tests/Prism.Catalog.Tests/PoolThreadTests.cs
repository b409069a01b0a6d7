namespace Prism.Tests.Catalog;

/// <summary><see cref="PoolThread"/>: blocking catalog/queue work leaves a dedicated (socket event) thread for the pool.</summary>
public sealed class PoolThreadTests
{
    [Fact]
    public async Task From_a_dedicated_thread_it_continues_on_the_pool_and_on_the_pool_it_completes_at_once()
    {
        var done = new TaskCompletionSource<(bool Before, bool After)>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            var before = Thread.CurrentThread.IsThreadPoolThread;
            var wait = PoolThread.EnsureAsync();
            Assert.False(wait.IsCompleted);
            wait.AsTask().ContinueWith(_ => done.SetResult((before, Thread.CurrentThread.IsThreadPoolThread)),
                TaskContinuationOptions.ExecuteSynchronously);
        }) { IsBackground = true, Name = "not a pool thread" };
        thread.Start();
        var (onDedicated, afterwards) = await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(onDedicated);
        Assert.True(afterwards);

        await Task.Run(() => Assert.True(PoolThread.EnsureAsync().IsCompletedSuccessfully));
    }
}
