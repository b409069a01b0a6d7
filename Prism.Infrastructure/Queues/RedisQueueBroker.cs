using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Prism.Queues;

/// <summary>
/// <see cref="IQueueBroker"/> on Redis lists and sets, the PVS way. Producers LPUSH and PUBLISH a wake-up on
/// <c>{queue}:wakeup</c>; consumers LMOVE the oldest message (right end) into their own processing list
/// <c>{queue}:processing:{consumerId}</c> and LREM it when done. Consumers register in <c>{queue}:consumers</c>
/// and keep <c>prism:consumer:{id}</c> alive with a TTL; <see cref="RecoverAsync"/> hands the processing lists of
/// consumers whose mark expired back to the queue, oldest message first in line. No blocking commands are used
/// (the multiplexer is shared): <see cref="WaitAsync"/> waits for the pub/sub wake-up with a short-poll fallback.
/// </summary>
public sealed class RedisQueueBroker : IQueueBroker, IAsyncDisposable
{
    // KEYS: queue, processing list, consumers set. ARGV: consumer id.
    // Registration and move in one step, so that a recovery never sees the message without its consumer.
    private const string ReceiveScript = """
        redis.call('SADD', KEYS[3], ARGV[1])
        return redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
        """;

    // KEYS: processing list, queue, consumers set, heartbeat key. ARGV: consumer id, '1' when it is the caller.
    // Moves the whole processing list back to the consumer (right) end of the queue, keeping the order: the
    // newest taken message (left end of the processing list) goes first, so the oldest ends up rightmost.
    // A consumer that is alive (heartbeat present) is left alone; a dead one is unregistered.
    private const string RecoverScript = """
        if ARGV[2] ~= '1' and redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
        local n = 0
        while true do
          local v = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
          if not v then break end
          n = n + 1
        end
        if ARGV[2] ~= '1' then redis.call('SREM', KEYS[3], ARGV[1]) end
        return n
        """;

    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly TimeSpan _pollInterval;
    private readonly ConcurrentDictionary<string, Lazy<Task<WakeSubscription>>> _signals = new(StringComparer.Ordinal);

    /// <param name="redis">A shared multiplexer.</param>
    /// <param name="keyPrefix">Prepended to every key and channel (isolates tenants and tests).</param>
    /// <param name="pollInterval">How often <see cref="WaitAsync"/> looks at the queue even without a wake-up
    /// (covers lost pub/sub messages); <see cref="Timeout.InfiniteTimeSpan"/> to rely on pub/sub alone.</param>
    public RedisQueueBroker(IConnectionMultiplexer redis, string keyPrefix = "", TimeSpan? pollInterval = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        _redis = redis;
        _prefix = keyPrefix ?? "";
        _pollInterval = pollInterval ?? TimeSpan.FromSeconds(2);
    }

    private IDatabase Db => _redis.GetDatabase();

    private RedisKey Key(string name) => _prefix + name;

    /// <summary>The processing list of a consumer (unprefixed, as carried by <see cref="QueueLease"/>).</summary>
    public static string ProcessingListName(string queue, string consumerId) => $"{queue}:processing:{consumerId}";

    private static string ConsumersSetName(string queue) => $"{queue}:consumers";
    private static string HeartbeatName(string consumerId) => $"prism:consumer:{consumerId}";
    private RedisChannel WakeChannel(string queue) => RedisChannel.Literal($"{_prefix}{queue}:wakeup");

    public async Task PushAsync(string queue, string message, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentNullException.ThrowIfNull(message);
        ct.ThrowIfCancellationRequested();
        var db = Db;
        await db.ListLeftPushAsync(Key(queue), message).ConfigureAwait(false);
        await db.PublishAsync(WakeChannel(queue), "1", CommandFlags.FireAndForget).ConfigureAwait(false);
    }

    public async Task<QueueLease?> TryReceiveAsync(string queue, string consumerId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        ct.ThrowIfCancellationRequested();
        var db = Db;
        var processing = ProcessingListName(queue, consumerId);
        var value = await Db.ScriptEvaluateAsync(ReceiveScript,
            [Key(queue), Key(processing), Key(ConsumersSetName(queue))], [consumerId]).ConfigureAwait(false);
        return value.IsNull ? null : new QueueLease(queue, (string)value!, processing);
    }

    public async Task AckAsync(QueueLease lease, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ct.ThrowIfCancellationRequested();
        await Db.ListRemoveAsync(Key(lease.ProcessingList), lease.Message, 1).ConfigureAwait(false);
    }

    public async Task HeartbeatAsync(string consumerId, TimeSpan ttl, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consumerId);
        if (ttl <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ttl), "the TTL must be positive");
        ct.ThrowIfCancellationRequested();
        await Db.StringSetAsync(Key(HeartbeatName(consumerId)), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), ttl, When.Always)
            .ConfigureAwait(false);
    }

    public async Task<int> RecoverAsync(string queue, string ownConsumerId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentException.ThrowIfNullOrEmpty(ownConsumerId);
        var db = Db;
        var consumersKey = Key(ConsumersSetName(queue));
        var consumers = (await db.SetMembersAsync(consumersKey).ConfigureAwait(false))
            .Select(v => (string)v!)
            .Append(ownConsumerId)
            .Distinct(StringComparer.Ordinal);
        var recovered = 0;
        foreach (var consumer in consumers)
        {
            ct.ThrowIfCancellationRequested();
            var own = consumer == ownConsumerId;
            var moved = (long)await db.ScriptEvaluateAsync(RecoverScript,
                [Key(ProcessingListName(queue, consumer)), Key(queue), consumersKey, Key(HeartbeatName(consumer))],
                [consumer, own ? "1" : "0"]).ConfigureAwait(false);
            recovered += (int)moved;
        }
        if (recovered > 0)
            await db.PublishAsync(WakeChannel(queue), "1", CommandFlags.FireAndForget).ConfigureAwait(false);
        return recovered;
    }

    public async Task WaitAsync(string queue, TimeSpan max, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        var signal = await GetSignalAsync(queue).ConfigureAwait(false);
        var db = Db;
        var key = Key(queue);
        await QueueWakeSignal.WaitAsync(signal.Signal, async () => await db.ListLengthAsync(key).ConfigureAwait(false) > 0,
            max, _pollInterval, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ListAsync(string queue, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ct.ThrowIfCancellationRequested();
        var values = await Db.ListRangeAsync(Key(queue), 0, -1).ConfigureAwait(false);
        return values.Select(v => (string)v!).ToList();
    }

    public async Task SetAddAsync(string set, string member, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        await Db.SetAddAsync(Key(set), member).ConfigureAwait(false);
    }

    public async Task SetRemoveAsync(string set, string member, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        await Db.SetRemoveAsync(Key(set), member).ConfigureAwait(false);
    }

    public async Task<bool> SetContainsAsync(string set, string member, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        return await Db.SetContainsAsync(Key(set), member).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> SetMembersAsync(string set, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var values = await Db.SetMembersAsync(Key(set)).ConfigureAwait(false);
        return values.Select(v => (string)v!).Order(StringComparer.Ordinal).ToList();
    }

    public async Task SetReasonAsync(string set, string member, string reason, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        await Db.HashSetAsync(Key($"{set}:reasons"), member, reason).ConfigureAwait(false);
    }

    public async Task<string?> GetReasonAsync(string set, string member, CancellationToken ct = default)
    {
        ct.ThrowIfCancellationRequested();
        var value = await Db.HashGetAsync(Key($"{set}:reasons"), member).ConfigureAwait(false);
        return value.IsNull ? null : (string?)value;
    }

    public async ValueTask DisposeAsync()
    {
        var subscriber = _redis.GetSubscriber();
        foreach (var (queue, lazy) in _signals)
        {
            if (!lazy.IsValueCreated) continue;
            try
            {
                var signal = await lazy.Value.ConfigureAwait(false);
                await subscriber.UnsubscribeAsync(WakeChannel(queue), signal.Handler).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RedisException or ObjectDisposedException)
            {
                // The connection is not the broker's: it may be closed or disposed before the broker is (a host
                // disposes singletons in reverse order of creation). Its subscriptions went with it.
            }
        }
        _signals.Clear();
    }

    private Task<WakeSubscription> GetSignalAsync(string queue)
    {
        var lazy = _signals.GetOrAdd(queue, q => new Lazy<Task<WakeSubscription>>(() => SubscribeAsync(q)));
        var task = lazy.Value;
        if (task.IsFaulted || task.IsCanceled) _signals.TryRemove(new KeyValuePair<string, Lazy<Task<WakeSubscription>>>(queue, lazy));
        return task;
    }

    private async Task<WakeSubscription> SubscribeAsync(string queue)
    {
        var signal = new WakeSubscription();
        await _redis.GetSubscriber().SubscribeAsync(WakeChannel(queue), signal.Handler).ConfigureAwait(false);
        return signal;
    }

    private sealed class WakeSubscription
    {
        public WakeSubscription() => Handler = (_, _) => Signal.Wake();

        public QueueWakeSignal Signal { get; } = new();
        public Action<RedisChannel, RedisValue> Handler { get; }
    }
}
