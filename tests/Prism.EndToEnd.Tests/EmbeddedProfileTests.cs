using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Prism.Tests;

/// <summary>The embedded default: one process, no servers, everything under one data folder.</summary>
public sealed class EmbeddedProfileTests : IAsyncLifetime
{
    private const string Token = "embedded-token";
    private readonly string _dataDir = TestEnvironment.TempFolder("embedded");
    private GatewayProcess _gateway = null!;

    private Dictionary<string, string> Environment => new()
    {
        ["Prism__DataDir"] = _dataDir,
        ["Prism__AdminToken"] = Token,
        ["Prism__Gateway__ReconcileInterval"] = "00:00:03",
    };

    public async Task InitializeAsync()
    {
        _gateway = new GatewayProcess(Environment);
        await _gateway.StartAsync();
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task UploadedPackagesEndRegisteredAndSurviveARestart()
    {
        using (var http = Client(_gateway))
        {
            // The demo product is ingested on first start.
            await WaitForStateAsync(http, "PRISM_DEMO_RGB_20240101", "Registered");

            foreach (var p in SampleProduct.All)
            {
                var content = new StreamContent(File.OpenRead(p.Archive));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                var response = await http.PostAsync($"/admin/ingest?name={Path.GetFileName(p.Archive)}", content);
                Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
                Assert.Equal($"/admin/products/{p.Key}", response.Headers.Location?.ToString());
            }
            foreach (var p in SampleProduct.All)
            {
                using var status = await WaitForStateAsync(http, p.Key, "Registered");
                Assert.Equal(p.Identifier, status.RootElement.GetProperty("identifier").GetString());
            }
            // The objects are under the data folder and GDAL reads them as COGs.
            var cog = Directory.GetFiles(Path.Combine(_dataDir, "objects"), "*.tif", SearchOption.AllDirectories);
            Assert.True(cog.Length >= 6);
            using var info = await Tools.InfoAsync(cog[0]);
            Assert.Equal("COG", info.RootElement.GetProperty("metadata").GetProperty("IMAGE_STRUCTURE").GetProperty("LAYOUT").GetString());
        }

        // Restart: everything is still there, nothing re-processed.
        await _gateway.DisposeAsync();
        _gateway = new GatewayProcess(Environment);
        await _gateway.StartAsync();
        using (var http = Client(_gateway))
        {
            foreach (var p in SampleProduct.All)
            {
                using var status = JsonDocument.Parse(await http.GetStringAsync($"/admin/products/{p.Key}"));
                Assert.Equal("Registered", status.RootElement.GetProperty("state").GetString());
            }
            using var landing = JsonDocument.Parse(await http.GetStringAsync("/"));
            var identifiers = landing.RootElement.GetProperty("latestProducts").EnumerateArray()
                .Select(p => p.GetProperty("identifier").GetString()).ToHashSet();
            foreach (var p in SampleProduct.All) Assert.Contains(p.Identifier, identifiers);

            // Deregistration cascades: catalog row and published objects go.
            var world = SampleProduct.All.First(s => s.Key.StartsWith("WORLD"));
            var deleted = await http.DeleteAsync($"/admin/products/{world.Key}");
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            Assert.False(Directory.Exists(Path.Combine(_dataDir, "objects", world.Key)) &&
                         Directory.EnumerateFiles(Path.Combine(_dataDir, "objects", world.Key)).Any());
            using var after = JsonDocument.Parse(await http.GetStringAsync("/"));
            Assert.DoesNotContain(world.Identifier, after.RootElement.GetProperty("latestProducts").EnumerateArray()
                .Select(p => p.GetProperty("identifier").GetString()));
            using var gone = JsonDocument.Parse(await http.GetStringAsync($"/admin/products/{world.Key}"));
            Assert.Equal("Deregistered", gone.RootElement.GetProperty("state").GetString());
        }
    }

    [Fact]
    public async Task AnUploadLargerThanKestrelsDefaultBodyLimitIsAcceptedAndJudgedByThePipeline()
    {
        // 40 MB of random bytes: over Kestrel's 30 MB default, under the package limit; not an archive.
        var body = new byte[40 << 20];
        new Random(7).NextBytes(body);
        using var http = Client(_gateway);
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var response = await http.PostAsync("/admin/ingest?name=BIG_RANDOM.tar", content);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        JsonDocument status;
        do
        {
            await Task.Delay(200);
            status = JsonDocument.Parse(await http.GetStringAsync("/admin/products/BIG_RANDOM"));
        } while (status.RootElement.GetProperty("state").GetString() != "Failed" && DateTime.UtcNow < deadline);
        Assert.Equal("Failed", status.RootElement.GetProperty("state").GetString());
        Assert.Contains("not a tar or zip archive", status.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task AdminRoutesAreDisabledWithoutAToken()
    {
        await using var open = new GatewayProcess(new Dictionary<string, string>
        {
            ["Prism__DataDir"] = TestEnvironment.TempFolder("embedded-notoken"),
            ["Prism__IngestDemoProduct"] = "false",
        });
        await open.StartAsync();
        using var http = new HttpClient { BaseAddress = open.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "");
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/admin/products")).StatusCode);
    }

    [Fact]
    public async Task APackageDroppedInTheWatchFolderIsIngested()
    {
        var p = SampleProduct.All.First(s => s.Key.StartsWith("WORLD"));
        var incoming = Path.Combine(_dataDir, "incoming");
        Directory.CreateDirectory(incoming);
        File.Copy(p.Archive, Path.Combine(incoming, "." + Path.GetFileName(p.Archive)));
        File.Move(Path.Combine(incoming, "." + Path.GetFileName(p.Archive)), Path.Combine(incoming, "WATCHED_WORLD.zip"));
        using var http = Client(_gateway);
        using var status = await WaitForStateAsync(http, "WATCHED_WORLD", "Registered");
        Assert.Equal(p.Identifier, status.RootElement.GetProperty("identifier").GetString());
    }

    private static HttpClient Client(GatewayProcess g)
    {
        var http = new HttpClient { BaseAddress = g.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return http;
    }

    private async Task<JsonDocument> WaitForStateAsync(HttpClient http, string id, string state)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            var response = await http.GetAsync($"/admin/products/{id}");
            last = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode)
            {
                var doc = JsonDocument.Parse(last);
                var s = doc.RootElement.GetProperty("state").GetString();
                if (s == state) return doc;
                if (s == "Failed") throw new Xunit.Sdk.XunitException($"{id} failed: {last}");
                doc.Dispose();
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{id} did not reach {state}: {last}\n{_gateway.Output}");
    }
}
