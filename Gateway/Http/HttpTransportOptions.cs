using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Prism.Gateway.Http;

/// <summary>
/// Kestrel's socket transport (<c>Prism:Http</c>). The defaults are chosen by the cached-tile benchmark
/// (<c>bench/maps-bench.sh</c>, README "Performance"): on a cache hit the work per request is small, so what costs is
/// handing it between threads and the system calls around it.
/// </summary>
public sealed class HttpTransportOptions
{
    public const string Section = "Prism:Http";

    /// <summary>
    /// Run socket completions and the request pipeline on the socket threads instead of queueing them to the thread
    /// pool (Kestrel's <c>UnsafePreferInlineScheduling</c> plus .NET's <c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS</c>,
    /// which <see cref="PrepareProcess"/> sets). A cached tile is then answered on the thread that read the request:
    /// measured at concurrency 8 on one core, 57–67 k req/s against 31–32 k with both off. What may block hops to the
    /// pool first: SQLite catalog and queue calls and the layer snapshot build await <see cref="PoolThread.EnsureAsync"/>,
    /// rendering runs on the GDAL work pool. What stays inline is short: parsing, the tile-plan lookup, a kept tile's
    /// write, and (after a PostgreSQL read, whose completion runs on the socket thread) encoding a result page.
    /// </summary>
    public bool InlineScheduling { get; set; } = true;

    /// <summary>Kestrel's zero-byte read before renting a receive buffer: saves 4 KiB per idle connection, costs a system
    /// call per request.</summary>
    public bool WaitForDataBeforeAllocatingBuffer { get; set; } = true;

    /// <summary>Kestrel's I/O queues (null: its default, one per 8 processors; 0: the thread pool).</summary>
    public int? IOQueueCount { get; set; }

    /// <summary>Environment variable by which System.Net.Sockets runs completions on its event threads (read once).</summary>
    public const string InlineCompletionsVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>
    /// Sets <see cref="InlineCompletionsVariable"/> when <see cref="InlineScheduling"/> is on (the default) and the
    /// operator has not set it. System.Net.Sockets reads it when the process opens its first socket, so this runs
    /// first thing in <c>Program</c> — and only there: a test host embedding the gateway keeps its own setting.
    /// </summary>
    public static void PrepareProcess(IConfiguration configuration)
    {
        if (Read(configuration).InlineScheduling && Environment.GetEnvironmentVariable(InlineCompletionsVariable) is null)
            Environment.SetEnvironmentVariable(InlineCompletionsVariable, "1");
    }

    /// <summary>The options bound from <see cref="Section"/> (read before the host is built, so not through DI).</summary>
    public static HttpTransportOptions Read(IConfiguration configuration)
    {
        var options = new HttpTransportOptions();
        configuration.GetSection(Section).Bind(options);
        return options;
    }

    public void Apply(SocketTransportOptions o)
    {
        o.UnsafePreferInlineScheduling = InlineScheduling;
        o.WaitForDataBeforeAllocatingBuffer = WaitForDataBeforeAllocatingBuffer;
        if (IOQueueCount is { } n) o.IOQueueCount = n;
    }
}
