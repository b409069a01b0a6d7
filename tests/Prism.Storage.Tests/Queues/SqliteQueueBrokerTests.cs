using Prism.Queues;

namespace Prism.Tests.Queues;

public sealed class SqliteQueueBrokerTests : QueueBrokerContractTests
{
    private readonly string _folder = TestEnvironment.TempFolder("sqlite-queues");

    private string DatabasePath => Path.Combine(_folder, "queues.db");

    protected override IQueueBroker CreateBroker(TimeSpan? pollInterval = null) => new SqliteQueueBroker(DatabasePath, pollInterval);

    protected override Task CrashAsync(IQueueBroker broker)
    {
        ((SqliteQueueBroker)broker).Dispose();
        return Task.CompletedTask;
    }

    protected override Task CleanupAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Everything_survives_reopening_the_file()
    {
        QueueLease lease;
        using (var broker = new SqliteQueueBroker(DatabasePath))
        {
            foreach (var m in new[] { "a", "b", "c" }) await broker.PushAsync(Queue, m);
            lease = (await broker.TryReceiveAsync(Queue, "w"))!;
            await broker.SetAddAsync("register-success_set", "p1");
            await broker.SetReasonAsync("register-failure_set", "p2", "broken");
        }

        using (var reopened = new SqliteQueueBroker(DatabasePath))
        {
            Assert.Equal(new[] { "c", "b" }, await reopened.ListAsync(Queue));
            Assert.Equal(new[] { "a" }, await reopened.ListAsync(lease.ProcessingList));
            Assert.Equal(new[] { "p1" }, await reopened.SetMembersAsync("register-success_set"));
            Assert.Equal("broken", await reopened.GetReasonAsync("register-failure_set", "p2"));

            Assert.Equal(1, await reopened.RecoverAsync(Queue, "w"));
            Assert.Equal(new[] { "a", "b" }, new[]
            {
                (await reopened.TryReceiveAsync(Queue, "w"))!.Message,
                (await reopened.TryReceiveAsync(Queue, "w"))!.Message,
            });
        }
    }

    [Fact]
    public async Task A_disposed_broker_refuses_work()
    {
        var broker = new SqliteQueueBroker(DatabasePath);
        broker.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => broker.PushAsync(Queue, "x"));
    }
}
