using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Prism.Tests;

/// <summary>The map test classes share one embedded server (and run one after another: they restart it).</summary>
[CollectionDefinition(Name)]
public sealed class MapServicesCollection : ICollectionFixture<MapServicesFixture>
{
    public const string Name = "MapServices";
}

/// <summary>
/// The real gateway process on the embedded profile (own temp data folder, admin token, no demo product, fixed
/// Orleans ports so a restarted process reuses them) with every sample product uploaded through
/// <c>POST /admin/ingest</c> and Registered. Registration seeds automatically only up to zoom 2 here
/// (<c>Prism:Maps:MaxZoom</c>), so tiles of higher zooms are cached only by what the tests do.
/// </summary>
public sealed class MapServicesFixture : IAsyncLifetime
{
    public const string Token = "maps-token";

    /// <summary>Every layer the sample products give (three collections, two styles each, outlines).</summary>
    public static readonly string[] ExpectedLayers =
    [
        "ASA_WSM_1P", "ASA_WSM_1P__GREY", "ASA_WSM_1P__VIRIDIS", "ASA_WSM_1P__outlines",
        "MER_FRS_1P", "MER_FRS_1P__GREY", "MER_FRS_1P__TRUE_COLOR", "MER_FRS_1P__outlines",
        "WORLD_RGB", "WORLD_RGB__GREY", "WORLD_RGB__TRUE_COLOR", "WORLD_RGB__outlines",
    ];

    public string DataDir { get; } = TestEnvironment.TempFolder("maps");
    public int SiloPort { get; } = GatewayProcess.FreePort();
    public int OrleansGatewayPort { get; } = GatewayProcess.FreePort();
    public GatewayProcess Gateway { get; private set; } = null!;
    public string BaseUrl => $"http://127.0.0.1:{Gateway.Port}";

    public Dictionary<string, string> Environment => new()
    {
        ["Prism__DataDir"] = DataDir,
        ["Prism__AdminToken"] = Token,
        ["Prism__IngestDemoProduct"] = "false",
        ["Prism__SiloPort"] = SiloPort.ToString(CultureInfo.InvariantCulture),
        ["Prism__GatewayPort"] = OrleansGatewayPort.ToString(CultureInfo.InvariantCulture),
        ["Prism__Gateway__ReconcileInterval"] = "00:00:03",
        ["Prism__Maps__MaxZoom__WGS84"] = "2",
        ["Prism__Maps__MaxZoom__GoogleMapsCompatible"] = "2",
        ["Prism__Maps__LayerCacheTime"] = "00:00:02",
        ["Prism__Maps__SeedAllStyles"] = "true",
    };

    public static IReadOnlyList<SampleProduct> Meris => SampleProduct.All.Where(p => p.Key.StartsWith("MER_", StringComparison.Ordinal)).OrderBy(p => p.Begin).ToList();
    public static SampleProduct Asar => SampleProduct.All.Single(p => p.Key.StartsWith("ASA_", StringComparison.Ordinal));

    public async Task InitializeAsync()
    {
        Gateway = new GatewayProcess(Environment);
        await Gateway.StartAsync();
        using var http = Admin();
        foreach (var p in SampleProduct.All) await IngestAsync(http, p, force: false);
        foreach (var p in SampleProduct.All) (await WaitForStateAsync(http, p.Key, "Registered")).Dispose();
        // The layer snapshot is refreshed in the background: wait until the capabilities list every layer.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        string caps = "";
        while (DateTime.UtcNow < deadline)
        {
            caps = await http.GetStringAsync("/wmts/1.0.0/WMTSCapabilities.xml");
            if (ExpectedLayers.All(l => caps.Contains($"<ows:Identifier>{l}</ows:Identifier>", StringComparison.Ordinal))) return;
            await Task.Delay(250);
        }
        throw new TimeoutException($"the capabilities never listed every layer:\n{caps}");
    }

    public async Task DisposeAsync() => await Gateway.DisposeAsync();

    /// <summary>SIGKILLs the process and starts a new one on the same data folder and Orleans ports.</summary>
    public async Task RestartAsync()
    {
        Gateway.Kill();
        await Gateway.DisposeAsync();
        Gateway = new GatewayProcess(Environment);
        await Gateway.StartAsync();
    }

    public HttpClient Client() => new() { BaseAddress = Gateway.BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

    public HttpClient Admin()
    {
        var http = Client();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    public static async Task IngestAsync(HttpClient http, SampleProduct p, bool force)
    {
        var content = new StreamContent(File.OpenRead(p.Archive));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await http.PostAsync($"/admin/ingest?name={Path.GetFileName(p.Archive)}{(force ? "&force=true" : "")}", content);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{p.Key}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Polls <c>/admin/products/{id}</c> until <paramref name="state"/> (and, when given, that many
    /// Registered entries in the history).</summary>
    public async Task<JsonDocument> WaitForStateAsync(HttpClient http, string id, string state, int registeredEntries = 0)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            var response = await http.GetAsync($"/admin/products/{id}");
            last = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                var doc = JsonDocument.Parse(last);
                var s = doc.RootElement.GetProperty("state").GetString();
                var registered = doc.RootElement.GetProperty("history").EnumerateArray().Count(h => h.GetProperty("stage").GetString() == "Registered");
                if (s == state && registered >= registeredEntries) return doc;
                if (s == "Failed") throw new Xunit.Sdk.XunitException($"{id} failed: {last}");
                doc.Dispose();
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{id} did not reach {state}: {last}\n{Gateway.Output}");
    }

    /// <summary>The COG the pipeline published for a product (embedded object store).</summary>
    public string CogOf(SampleProduct p) =>
        Directory.GetFiles(Path.Combine(DataDir, "objects", p.Key), "*.tif").Single();

    /// <summary>Cached tile objects for one tile position, over every fingerprint.</summary>
    public string[] StoredTiles(string collection, string style, string tms, int z, int col, int row, string ext = "png")
    {
        var dir = Path.Combine(DataDir, "objects", "tiles", collection, style, tms);
        return Directory.Exists(dir)
            ? Directory.GetDirectories(dir).Select(fp => Path.Combine(fp, $"{z}", $"{col}", $"{row}.{ext}")).Where(File.Exists).ToArray()
            : [];
    }
}

/// <summary>One fetched tile.</summary>
public sealed record FetchedTile(HttpStatusCode Status, byte[] Data, string? Cache, string? ETag, string? ContentType);

/// <summary>Tile grids, requests and the Python (OWSLib, GDAL bindings) the map tests run.</summary>
public static class MapTestTools
{
    public const double MercatorHalf = 20037508.342789244;

    /// <summary>Tile extent (minx, miny, maxx, maxy) computed here independently of the server:
    /// WGS84 level 0 = 2×1 tiles of 180°, GoogleMapsCompatible = the web-mercator quad tree.</summary>
    public static (double MinX, double MinY, double MaxX, double MaxY) TileExtent(string tms, int z, int col, int row)
    {
        if (tms == "WGS84")
        {
            var size = 180.0 / (1 << z);
            return (-180 + col * size, 90 - (row + 1) * size, -180 + (col + 1) * size, 90 - row * size);
        }
        var s = 2 * MercatorHalf / (1 << z);
        return (-MercatorHalf + col * s, MercatorHalf - (row + 1) * s, -MercatorHalf + (col + 1) * s, MercatorHalf - row * s);
    }

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
    public static string Interval(SampleProduct p) => $"{Iso(p.Begin)}/{Iso(p.End)}";

    public static string RestTile(string layer, string style, string? time, string tms, int z, int row, int col, string ext = "png") =>
        $"/wmts/1.0.0/{layer}/{style}/{(time is null ? "" : time.Replace("/", "--", StringComparison.Ordinal) + "/")}{tms}/{z}/{row}/{col}.{ext}";

    public static string KvpTile(string layer, string style, string? time, string tms, int z, int row, int col) =>
        $"/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}&STYLE={style}&FORMAT=image/png&TILEMATRIXSET={tms}" +
        $"&TILEMATRIX={z}&TILEROW={row}&TILECOL={col}{(time is null ? "" : "&TIME=" + Uri.EscapeDataString(time))}";

    public static async Task<FetchedTile> GetAsync(HttpClient http, string url, string? ifNoneMatch = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (ifNoneMatch is not null) request.Headers.TryAddWithoutValidation("If-None-Match", ifNoneMatch);
        using var response = await http.SendAsync(request);
        var data = await response.Content.ReadAsByteArrayAsync();
        string? Header(string name) => response.Headers.TryGetValues(name, out var v) ? v.First() : null;
        return new FetchedTile(response.StatusCode, data, Header("X-Prism-Cache"), response.Headers.ETag?.ToString() ?? Header("ETag"),
            response.Content.Headers.ContentType?.MediaType);
    }

    public static async Task<FetchedTile> GetOkAsync(HttpClient http, string url)
    {
        var t = await GetAsync(http, url);
        Assert.True(t.Status == HttpStatusCode.OK, $"{url}: {t.Status} {System.Text.Encoding.UTF8.GetString(t.Data)}");
        return t;
    }

    public static string Schemas => Path.GetFullPath(Path.Combine(TestEnvironment.SharedData, "..", "ogc", "schemas"));

    /// <summary>Runs a Python program (given as text) with <c>/usr/bin/python3</c> (Debian's, with GDAL and OWSLib).</summary>
    public static async Task<(int Code, string Out, string Err)> PythonAsync(string script, params string[] args)
    {
        var file = Path.Combine(TestEnvironment.TempFolder("py"), "check.py");
        await File.WriteAllTextAsync(file, script);
        return await RunAsync("/usr/bin/python3", [file, .. args]);
    }

    /// <summary>Runs a program and returns its exit code and output (never throws on a non-zero exit).</summary>
    public static async Task<(int Code, string Out, string Err)> RunAsync(string file, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.Environment["XML_CATALOG_FILES"] = Path.Combine(Schemas, "catalog.xml");
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Python: reads a PNG/GeoTIFF as RGBA (an alpha of 255 added to an RGB image).</summary>
    public const string PythonRgba = """
        import sys
        import numpy as np
        from osgeo import gdal
        gdal.UseExceptions()
        def rgba(path):
            a = gdal.Open(path).ReadAsArray().astype(int)
            if a.ndim == 2:
                a = a[None]
            if a.shape[0] in (1, 3):
                a = np.concatenate([a, np.full((1,) + a.shape[1:], 255)])
            if a.shape[0] == 2:
                a = np.stack([a[0], a[0], a[0], a[1]])
            assert a.shape[0] == 4, (path, a.shape)
            return a
        """;
}
