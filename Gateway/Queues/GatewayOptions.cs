namespace Prism.Gateway.Queues;

/// <summary>The queue bridge (section <c>Prism:Gateway</c>).</summary>
public sealed class GatewayOptions
{
    public const string Section = "Prism:Gateway";

    /// <summary>Consume the PVS queues in this process (default true).</summary>
    public bool ConsumeQueues { get; set; } = true;

    /// <summary>Stable consumer name: a restarted process with the same name takes back its unacknowledged items
    /// at once (default: host name). Items of consumers that stop heart-beating are recovered by any other.</summary>
    public string ConsumerId { get; set; } = Environment.MachineName;

    /// <summary>How long a consumer counts as alive after its last heartbeat (default 20 s).</summary>
    public TimeSpan ConsumerTtl { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often in-flight products (preprocessing/registering sets) are asked to resume (default 30 s).</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Co-host a silo in this process (the embedded profile always does; default true).</summary>
    public bool CoHostSilo { get; set; } = true;
}
