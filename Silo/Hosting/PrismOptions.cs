using System.ComponentModel.DataAnnotations;

namespace Prism.Silo.Hosting;

/// <summary>Which set of backing services a process uses.</summary>
public enum PrismProfile
{
    /// <summary>One process, no servers: localhost clustering, SQLite catalog and grain state, filesystem objects,
    /// in-process durable queue, all under <see cref="PrismOptions.DataDir"/>.</summary>
    Embedded,
    /// <summary>PostgreSQL (catalog + Orleans ADO.NET clustering, state, reminders), Redis queues, S3 objects.</summary>
    Cluster,
}

/// <summary>Process-wide settings (section <c>Prism</c>).</summary>
public sealed class PrismOptions
{
    public const string Section = "Prism";

    /// <summary><c>Prism:Profile</c> / <c>Prism__Profile</c>: Embedded (default) or Cluster.</summary>
    public PrismProfile Profile { get; set; } = PrismProfile.Embedded;

    /// <summary><c>Prism:DataDir</c> / <c>Prism__DataDir</c>: where the embedded profile keeps everything
    /// (default <c>./.data</c>); the cluster profile keeps only its work folder there.</summary>
    [Required] public string DataDir { get; set; } = Path.Combine(Environment.CurrentDirectory, ".data");

    /// <summary><c>Prism:AdminToken</c> / <c>Prism__AdminToken</c>: bearer token of the admin routes; when empty
    /// the admin routes are disabled (404), never open.</summary>
    public string? AdminToken { get; set; }

    /// <summary><c>ConnectionStrings:Postgres</c> is read for the cluster profile; this is its section name.</summary>
    public const string PostgresConnectionName = "Postgres";

    /// <summary><c>Prism:ClusterId</c> (default <c>prism</c>).</summary>
    public string ClusterId { get; set; } = "prism";

    /// <summary><c>Prism:ServiceId</c> (default <c>prism-orleans</c>).</summary>
    public string ServiceId { get; set; } = "prism-orleans";

    /// <summary><c>Prism:SiloPort</c> (default 11111) and <c>Prism:GatewayPort</c> (default 30000).</summary>
    [Range(1, 65535)] public int SiloPort { get; set; } = 11111;
    [Range(1, 65535)] public int GatewayPort { get; set; } = 30000;

    /// <summary><c>Prism:AdvertisedIp</c> / <c>Prism__AdvertisedIp</c>: the address other silos and clients reach this
    /// silo on, and the one it listens on (default 127.0.0.1; in Kubernetes the pod IP).</summary>
    public string AdvertisedIp { get; set; } = "127.0.0.1";

    /// <summary><c>Prism:IngestDemoProduct</c>: generate and ingest a small demo product on the first start of
    /// the embedded profile (default true).</summary>
    public bool IngestDemoProduct { get; set; } = true;

    public string FullDataDir => Path.GetFullPath(DataDir);
}
