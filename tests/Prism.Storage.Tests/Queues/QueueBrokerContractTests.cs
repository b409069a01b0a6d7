using Prism.Queues;

namespace Prism.Tests.Queues;

/// <summary>The behaviour both <see cref="IQueueBroker"/> implementations share; one subclass per implementation.</summary>
public abstract class QueueBrokerContractTests : IAsyncLifetime
{
    protected const string Queue = "preprocess_queue";
    private readonly List<IQueueBroker> _brokers = [];

    /// <summary>
    /// A new broker instance (a new connection) on the same backing store as every other broker of this test.
    /// </summary>
    protected abstract IQueueBroker CreateBroker(TimeSpan? pollInterval = null);

    /// <summary>Simulates a crash of a broker's process: its connection is gone, nothing was cleaned up.</summary>
    protected abstract Task CrashAsync(IQueueBroker broker);

    protected virtual Task CleanupAsync() => Task.CompletedTask;

    protected IQueueBroker OpenBroker(TimeSpan? pollInterval = null)
    {
        var broker = CreateBroker(pollInterval);
        lock (_brokers) _brokers.Add(broker);
        return broker;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await CleanupAsync();
        foreach (var broker in _brokers)
        {
            if (broker is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else (broker as IDisposable)?.Dispose();
        }
    }

    protected static async Task<List<string>> DrainAsync(IQueueBroker broker, string consumer, string queue = Queue)
    {
        var taken = new List<string>();
        while (await broker.TryReceiveAsync(queue, consumer) is { } lease)
        {
            taken.Add(lease.Message);
            await broker.AckAsync(lease);
        }
        return taken;
    }

    private static List<string> Messages(int count) => Enumerable.Range(0, count).Select(i => $"msg-{i:D4}").ToList();

    [Fact]
    public async Task Messages_come_out_in_FIFO_order()
    {
        var broker = OpenBroker();
        var messages = Messages(300);
        foreach (var m in messages) await broker.PushAsync(Queue, m);

        var listed = await broker.ListAsync(Queue);
        Assert.Equal(Enumerable.Reverse(messages), listed);

        Assert.Equal(messages, await DrainAsync(broker, "c1"));
        Assert.Null(await broker.TryReceiveAsync(Queue, "c1"));
        Assert.Empty(await broker.ListAsync(Queue));
    }

    [Fact]
    public async Task Queues_are_independent()
    {
        var broker = OpenBroker();
        await broker.PushAsync("register_queue", "r1");
        await broker.PushAsync(Queue, "p1");
        Assert.Equal("r1", (await broker.TryReceiveAsync("register_queue", "c"))!.Message);
        Assert.Null(await broker.TryReceiveAsync("register_queue", "c"));
        Assert.Equal(new[] { "p1" }, await broker.ListAsync(Queue));
        Assert.Empty(await broker.ListAsync("seed_queue"));
    }

    [Fact]
    public async Task A_received_message_waits_in_the_processing_list_until_acknowledged()
    {
        var broker = OpenBroker();
        await broker.PushAsync(Queue, "a");
        await broker.PushAsync(Queue, "b");
        await broker.HeartbeatAsync("worker-1", TimeSpan.FromMinutes(5));

        var lease = await broker.TryReceiveAsync(Queue, "worker-1");
        Assert.NotNull(lease);
        Assert.Equal("a", lease.Message);
        Assert.Equal(Queue, lease.Queue);
        Assert.Equal($"{Queue}:processing:worker-1", lease.ProcessingList);
        Assert.Equal(new[] { "b" }, await broker.ListAsync(Queue));
        Assert.Equal(new[] { "a" }, await broker.ListAsync(lease.ProcessingList));

        await broker.AckAsync(lease);
        Assert.Empty(await broker.ListAsync(lease.ProcessingList));
        Assert.Equal(0, await broker.RecoverAsync(Queue, "worker-2"));
        Assert.Equal(new[] { "b" }, await broker.ListAsync(Queue));
    }

    [Fact]
    public async Task Ack_removes_one_copy_of_a_duplicated_message()
    {
        var broker = OpenBroker();
        await broker.PushAsync(Queue, "same");
        await broker.PushAsync(Queue, "same");
        var first = (await broker.TryReceiveAsync(Queue, "c"))!;
        var second = (await broker.TryReceiveAsync(Queue, "c"))!;
        Assert.Equal(new[] { "same", "same" }, await broker.ListAsync(first.ProcessingList));
        await broker.AckAsync(first);
        Assert.Equal(new[] { "same" }, await broker.ListAsync(first.ProcessingList));
        await broker.AckAsync(second);
        Assert.Empty(await broker.ListAsync(first.ProcessingList));
    }

    [Fact]
    public async Task Messages_of_a_crashed_consumer_are_recovered_in_order()
    {
        var before = OpenBroker();
        foreach (var m in new[] { "m1", "m2", "m3", "m4", "m5" }) await before.PushAsync(Queue, m);
        await before.HeartbeatAsync("dying", TimeSpan.FromMilliseconds(100));
        var l1 = (await before.TryReceiveAsync(Queue, "dying"))!;
        var l2 = (await before.TryReceiveAsync(Queue, "dying"))!;
        var l3 = (await before.TryReceiveAsync(Queue, "dying"))!;
        Assert.Equal(new[] { "m1", "m2", "m3" }, new[] { l1.Message, l2.Message, l3.Message });
        await before.AckAsync(l2);
        await CrashAsync(before);

        // Let the heartbeat of the dead consumer expire.
        await Task.Delay(TimeSpan.FromMilliseconds(400));

        var after = OpenBroker();
        await after.HeartbeatAsync("successor", TimeSpan.FromMinutes(5));
        Assert.Equal(2, await after.RecoverAsync(Queue, "successor"));
        Assert.Empty(await after.ListAsync($"{Queue}:processing:dying"));
        Assert.Equal(new[] { "m5", "m4", "m3", "m1" }, await after.ListAsync(Queue));
        Assert.Equal(new[] { "m1", "m3", "m4", "m5" }, await DrainAsync(after, "successor"));
        Assert.Equal(0, await after.RecoverAsync(Queue, "successor"));
    }

    [Fact]
    public async Task A_consumer_without_any_heartbeat_is_dead()
    {
        var broker = OpenBroker();
        await broker.PushAsync(Queue, "x");
        Assert.NotNull(await broker.TryReceiveAsync(Queue, "never-beat"));
        Assert.Equal(1, await OpenBroker().RecoverAsync(Queue, "other"));
        Assert.Equal(new[] { "x" }, await broker.ListAsync(Queue));
    }

    [Fact]
    public async Task Messages_of_live_consumers_stay_and_a_restarting_consumer_gets_its_own_back()
    {
        var broker = OpenBroker();
        foreach (var m in new[] { "a", "b", "c" }) await broker.PushAsync(Queue, m);
        await broker.HeartbeatAsync("alive", TimeSpan.FromMinutes(5));
        await broker.TryReceiveAsync(Queue, "alive");
        await broker.TryReceiveAsync(Queue, "alive");

        var other = OpenBroker();
        Assert.Equal(0, await other.RecoverAsync(Queue, "other"));
        Assert.Equal(new[] { "b", "a" }, await other.ListAsync($"{Queue}:processing:alive"));

        // "alive" restarts with the same id: whatever it held is handed back first, in order.
        var restarted = OpenBroker();
        Assert.Equal(2, await restarted.RecoverAsync(Queue, "alive"));
        Assert.Equal(new[] { "a", "b", "c" }, await DrainAsync(restarted, "alive"));
    }

    [Fact]
    public async Task Concurrent_consumers_never_get_the_same_message()
    {
        var producer = OpenBroker();
        var messages = Messages(1000);
        foreach (var m in messages) await producer.PushAsync(Queue, m);

        var consumers = Enumerable.Range(0, 4).Select(i => (Id: $"consumer-{i}", Broker: OpenBroker())).ToList();
        var results = await Task.WhenAll(consumers.Select(c => Task.Run(() => DrainAsync(c.Broker, c.Id))));

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(1000, all.Count);
        Assert.Equal(messages, all.Order(StringComparer.Ordinal));
        // Each consumer saw its own share in FIFO order.
        foreach (var taken in results) Assert.Equal(taken.Order(StringComparer.Ordinal), taken);
        Assert.Empty(await producer.ListAsync(Queue));
        foreach (var c in consumers) Assert.Empty(await producer.ListAsync($"{Queue}:processing:{c.Id}"));
    }

    [Fact]
    public async Task Sets_and_reasons()
    {
        var broker = OpenBroker();
        const string set = "preprocess-failure_set";
        Assert.False(await broker.SetContainsAsync(set, "p1"));
        Assert.Empty(await broker.SetMembersAsync(set));

        await broker.SetAddAsync(set, "p2");
        await broker.SetAddAsync(set, "p1");
        await broker.SetAddAsync(set, "p1");
        await broker.SetAddAsync("preprocess-success_set", "p3");
        Assert.True(await broker.SetContainsAsync(set, "p1"));
        Assert.Equal(new[] { "p1", "p2" }, (await broker.SetMembersAsync(set)).Order(StringComparer.Ordinal));

        await broker.SetRemoveAsync(set, "p2");
        await broker.SetRemoveAsync(set, "missing");
        Assert.Equal(new[] { "p1" }, await broker.SetMembersAsync(set));
        Assert.Equal(new[] { "p3" }, await broker.SetMembersAsync("preprocess-success_set"));

        Assert.Null(await broker.GetReasonAsync(set, "p1"));
        await broker.SetReasonAsync(set, "p1", "first reason");
        await broker.SetReasonAsync(set, "p1", "GDAL: not a raster \u2013 b\u00e4d");
        Assert.Equal("GDAL: not a raster \u2013 b\u00e4d", await OpenBroker().GetReasonAsync(set, "p1"));
        Assert.Null(await broker.GetReasonAsync("other_set", "p1"));
    }

    [Fact]
    public async Task WaitAsync_returns_after_a_push_from_another_connection()
    {
        // The waiter never polls: only the wake-up can end the wait before its five minutes.
        var waiter = OpenBroker(pollInterval: Timeout.InfiniteTimeSpan);
        var producer = OpenBroker();
        var wait = waiter.WaitAsync(Queue, TimeSpan.FromMinutes(5));
        await Task.Delay(100);
        await producer.PushAsync(Queue, "wake up");

        var first = await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.Same(wait, first);
        await wait;
        Assert.Equal("wake up", (await waiter.TryReceiveAsync(Queue, "c"))!.Message);
    }

    [Fact]
    public async Task WaitAsync_returns_at_once_when_messages_are_waiting_and_after_max_otherwise()
    {
        var broker = OpenBroker(pollInterval: Timeout.InfiniteTimeSpan);
        await broker.WaitAsync(Queue, TimeSpan.FromMilliseconds(50));
        await broker.WaitAsync(Queue, TimeSpan.Zero);
        Assert.Empty(await broker.ListAsync(Queue));

        await broker.PushAsync(Queue, "ready");
        var wait = broker.WaitAsync(Queue, TimeSpan.FromMinutes(5));
        Assert.Same(wait, await Task.WhenAny(wait, Task.Delay(TimeSpan.FromSeconds(60))));
    }

    [Fact]
    public async Task WaitAsync_can_be_cancelled()
    {
        var broker = OpenBroker(pollInterval: Timeout.InfiniteTimeSpan);
        using var cts = new CancellationTokenSource();
        var wait = broker.WaitAsync(Queue, TimeSpan.FromMinutes(5), cts.Token);
        cts.CancelAfter(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => wait);
    }
}
