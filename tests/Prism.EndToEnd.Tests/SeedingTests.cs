using System.Net;
using System.Text;
using System.Text.Json;

namespace Prism.Tests;

/// <summary>
/// Issue 3 "Must show", seeding: a seed job over the MERIS interval fills the cache for zooms 0–6 in both tile
/// matrix sets and reaches 100 %; a job interrupted by SIGKILL of the process resumes after the restart and completes.
/// </summary>
[Collection(MapServicesCollection.Name)]
public sealed class SeedingTests(MapServicesFixture fx)
{
    private static string MerisInterval =>
        $"{MapTestTools.Iso(MapServicesFixture.Meris[0].Begin)}/{MapTestTools.Iso(MapServicesFixture.Meris[^1].End)}";

    private static async Task<string> StartAsync(HttpClient admin, object body)
    {
        var response = await admin.PostAsync("/admin/seed", new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"{response.StatusCode}: {text}");
        var location = response.Headers.Location?.ToString();
        Assert.NotNull(location);
        Assert.StartsWith("/admin/seed/", location);
        return location;
    }

    private static async Task<JsonElement> StatusAsync(HttpClient admin, string location)
    {
        using var doc = JsonDocument.Parse(await admin.GetStringAsync(location));
        return doc.RootElement.Clone();
    }

    private async Task<JsonElement> WaitForCompletionAsync(string location, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement status = default;
        while (DateTime.UtcNow < deadline)
        {
            using var admin = fx.Admin();
            status = await StatusAsync(admin, location);
            var state = status.GetProperty("state").GetString();
            if (state == "Completed") return status;
            Assert.True(state == "Running", $"seed job ended {state}: {status}");
            await Task.Delay(250);
        }
        throw new TimeoutException($"seed job did not complete: {status}\n{fx.Gateway.Output}");
    }

    [Fact]
    public async Task A_seed_job_over_the_meris_interval_fills_zooms_0_to_6_of_both_matrix_sets()
    {
        var interval = MerisInterval.Split('/');
        string location;
        using (var admin = fx.Admin())
            location = await StartAsync(admin, new
            {
                begin = interval[0], end = interval[1], collection = "MER_FRS_1P",
                zooms = new Dictionary<string, int[]> { ["WGS84"] = [0, 6], ["GoogleMapsCompatible"] = [0, 6] },
            });
        var status = await WaitForCompletionAsync(location, TimeSpan.FromMinutes(10));
        Assert.Equal(100.0, status.GetProperty("percent").GetDouble());
        Assert.True(status.GetProperty("total").GetInt64() > 0, status.ToString());
        Assert.Equal(status.GetProperty("total").GetInt64(), status.GetProperty("done").GetInt64());
        Assert.Equal(0, status.GetProperty("failed").GetInt64());
        using (var admin = fx.Admin())
        {
            using var list = JsonDocument.Parse(await admin.GetStringAsync("/admin/seed"));
            Assert.Contains(location["/admin/seed/".Length..], list.RootElement.GetProperty("succeeded").EnumerateArray().Select(e => e.GetString()));
        }

        // Seeded tiles (same TIME as the job) come from the cache, in both styles, both sets, REST and KVP.
        using var http = fx.Client();
        foreach (var layer in new[] { "MER_FRS_1P", "MER_FRS_1P__GREY" })
        foreach (var (tms, z, row, col) in new[] { ("WGS84", 6, 17, 68), ("WGS84", 3, 2, 8), ("GoogleMapsCompatible", 6, 23, 34), ("GoogleMapsCompatible", 4, 5, 8) })
        {
            var rest = await MapTestTools.GetOkAsync(http, MapTestTools.RestTile(layer, "default", MerisInterval, tms, z, row, col));
            Assert.True(rest.Cache is "memory" or "store", $"{layer} {tms}/{z}/{row}/{col}: {rest.Cache}");
            var kvp = await MapTestTools.GetOkAsync(http, MapTestTools.KvpTile(layer, "default", MerisInterval, tms, z, row, col));
            Assert.True(kvp.Cache is "memory" or "store", $"{layer} {tms}/{z}/{row}/{col} (KVP): {kvp.Cache}");
        }
    }

    [Fact]
    public async Task A_seed_job_killed_with_the_process_resumes_after_the_restart_and_completes()
    {
        var interval = MerisInterval.Split('/');
        string location;
        using (var admin = fx.Admin())
            location = await StartAsync(admin, new
            {
                begin = interval[0], end = interval[1], layer = "MER_FRS_1P",
                zooms = new Dictionary<string, int[]> { ["WGS84"] = [0, 8], ["GoogleMapsCompatible"] = [0, 8] },
            });

        // Kill once some progress is persisted (every 64 tiles) and the job is far from done.
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        JsonElement before;
        while (true)
        {
            using var admin = fx.Admin();
            before = await StatusAsync(admin, location);
            Assert.True(before.GetProperty("state").GetString() == "Running", $"the job ended before the kill; the test proves nothing: {before}");
            if (before.GetProperty("done").GetInt64() >= 128) break;
            Assert.True(DateTime.UtcNow < deadline, $"no progress: {before}");
            await Task.Delay(50);
        }
        fx.Gateway.Kill();
        var total = before.GetProperty("total").GetInt64();
        Assert.True(before.GetProperty("done").GetInt64() < total, $"the job finished before the kill: {before}");

        await fx.RestartAsync();
        using (var admin = fx.Admin())
        {
            var after = await StatusAsync(admin, location);
            Assert.Contains(after.GetProperty("state").GetString(), new[] { "Running", "Completed" });
            Assert.True(after.GetProperty("done").GetInt64() >= 64, $"no progress was kept: {after}");
            Assert.Equal(total, after.GetProperty("total").GetInt64());
        }
        var status = await WaitForCompletionAsync(location, TimeSpan.FromMinutes(10));
        Assert.Equal(100.0, status.GetProperty("percent").GetDouble());
        Assert.Equal(total, status.GetProperty("total").GetInt64());
        Assert.Equal(total, status.GetProperty("done").GetInt64());
        Assert.Equal(0, status.GetProperty("failed").GetInt64());

        using var http = fx.Client();
        var tile = await MapTestTools.GetOkAsync(http, MapTestTools.RestTile("MER_FRS_1P", "default", MerisInterval, "WGS84", 8, 70, 272));
        Assert.True(tile.Cache is "memory" or "store", $"WGS84/8/70/272: {tile.Cache}");
    }
}
