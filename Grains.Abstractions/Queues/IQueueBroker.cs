namespace Prism.Queues;

/// <summary>
/// PVS-style work queues (lists) and status sets. Redis in the cluster profile; a durable in-process
/// implementation in the embedded one. Lists are FIFO: producers LPUSH, consumers take from the right.
/// </summary>
public interface IQueueBroker
{
    /// <summary>LPUSH: appends a message at the producer end of a queue.</summary>
    Task PushAsync(string queue, string message, CancellationToken ct = default);

    /// <summary>
    /// Atomically moves the oldest message of <paramref name="queue"/> into this consumer's processing list and
    /// returns it, or null when the queue is empty. The message stays in the processing list until acknowledged.
    /// </summary>
    Task<QueueLease?> TryReceiveAsync(string queue, string consumerId, CancellationToken ct = default);

    /// <summary>Removes a received message from its processing list (the work is safely handed over).</summary>
    Task AckAsync(QueueLease lease, CancellationToken ct = default);

    /// <summary>Marks a consumer alive for <paramref name="ttl"/>; consumers whose mark expired are dead.</summary>
    Task HeartbeatAsync(string consumerId, TimeSpan ttl, CancellationToken ct = default);

    /// <summary>
    /// Moves messages left in the processing lists of dead consumers (and of <paramref name="ownConsumerId"/>,
    /// which is starting afresh) back to the consumer end of <paramref name="queue"/>; returns how many.
    /// </summary>
    Task<int> RecoverAsync(string queue, string ownConsumerId, CancellationToken ct = default);

    /// <summary>Waits until a message may be available on <paramref name="queue"/> or <paramref name="max"/> passed.</summary>
    Task WaitAsync(string queue, TimeSpan max, CancellationToken ct = default);

    /// <summary>All messages of a queue, producer end first (for tests and admin views).</summary>
    Task<IReadOnlyList<string>> ListAsync(string queue, CancellationToken ct = default);

    Task SetAddAsync(string set, string member, CancellationToken ct = default);
    Task SetRemoveAsync(string set, string member, CancellationToken ct = default);
    Task<bool> SetContainsAsync(string set, string member, CancellationToken ct = default);
    Task<IReadOnlyList<string>> SetMembersAsync(string set, CancellationToken ct = default);

    /// <summary>Stores a reason for a member of a failure set (a hash next to the set, <c>{set}:reasons</c>).</summary>
    Task SetReasonAsync(string set, string member, string reason, CancellationToken ct = default);
    Task<string?> GetReasonAsync(string set, string member, CancellationToken ct = default);
}

/// <summary>A message taken from a queue and parked in a consumer's processing list until acknowledged.</summary>
public sealed record QueueLease(string Queue, string Message, string ProcessingList);
