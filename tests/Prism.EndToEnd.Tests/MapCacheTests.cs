using System.Net;

namespace Prism.Tests;

/// <summary>
/// Issue 3 "Must show", cache: the second request is served from grain memory, a restarted process serves the
/// stored bytes, ETag/If-None-Match gives 304, and re-registering a product re-renders exactly the tiles it
/// touches (new fingerprint) while a tile of a disjoint product stays cached.
/// </summary>
[Collection(MapServicesCollection.Name)]
public sealed class MapCacheTests(MapServicesFixture fx)
{
    // Zoom 9: no other test (automatic seeding stops at 2 here, the seed tests at 8) asks for these tiles.
    private const int Z = 9;
    private const int MerisRow = 142, MerisCol = 526; // lon 4.92–5.27, lat 39.73–40.08: inside MER_FRS_1P_RGB_20060830
    private const int AsarRow = 352, AsarCol = 567;   // lon 19.34–19.69, lat -33.75–-34.10: inside the ASAR product

    [Fact]
    public async Task Tiles_are_cached_survive_a_restart_answer_304_and_are_invalidated_only_where_a_product_is_re_registered()
    {
        var meris = MapServicesFixture.Meris[^1];
        var asar = MapServicesFixture.Asar;
        var merisUrl = MapTestTools.RestTile("MER_FRS_1P", "TRUE_COLOR", MapTestTools.Interval(meris), "WGS84", Z, MerisRow, MerisCol);
        var asarUrl = MapTestTools.RestTile("ASA_WSM_1P", "GREY", MapTestTools.Interval(asar), "WGS84", Z, AsarRow, AsarCol);

        FetchedTile m1, a1;
        using (var http = fx.Client())
        {
            m1 = await MapTestTools.GetOkAsync(http, merisUrl);
            Assert.Equal("rendered", m1.Cache);
            var m2 = await MapTestTools.GetOkAsync(http, merisUrl);
            Assert.Equal("memory", m2.Cache);
            Assert.Equal(m1.Data, m2.Data);
            Assert.Equal(m1.ETag, m2.ETag);
            // The gateway's TileMemory is the one the tile grains publish to (the hot path reads it, no grain call).
            using (var admin = fx.Admin())
            {
                var memory = System.Text.Json.JsonDocument.Parse(await admin.GetStringAsync("/admin/maps/memory")).RootElement;
                Assert.True(memory.GetProperty("entries").GetInt64() >= 1);
                Assert.True(memory.GetProperty("bytes").GetInt64() >= m1.Data.Length);
                Assert.True(memory.GetProperty("bytes").GetInt64() <= memory.GetProperty("maxBytes").GetInt64());
            }
            a1 = await MapTestTools.GetOkAsync(http, asarUrl);
            Assert.Equal("rendered", a1.Cache);
            Assert.Equal("memory", (await MapTestTools.GetOkAsync(http, asarUrl)).Cache);

            // Conditional GET: the ETag of the tile → 304 without a body.
            Assert.False(string.IsNullOrEmpty(m1.ETag));
            var notModified = await MapTestTools.GetAsync(http, merisUrl, m1.ETag);
            Assert.Equal(HttpStatusCode.NotModified, notModified.Status);
            Assert.Empty(notModified.Data);
            Assert.Equal(HttpStatusCode.OK, (await MapTestTools.GetAsync(http, merisUrl, "\"something-else\"")).Status);
        }
        Assert.Single(fx.StoredTiles("MER_FRS_1P", "TRUE_COLOR", "WGS84", Z, MerisCol, MerisRow));

        // A new process on the same data folder: the tiles come from the object store, byte for byte.
        await fx.RestartAsync();
        using (var http = fx.Client())
        {
            var m3 = await MapTestTools.GetOkAsync(http, merisUrl);
            Assert.Equal("store", m3.Cache);
            Assert.Equal(m1.Data, m3.Data);
            Assert.Equal(m1.ETag, m3.ETag);
            Assert.Equal("memory", (await MapTestTools.GetOkAsync(http, merisUrl)).Cache);
            var a3 = await MapTestTools.GetOkAsync(http, asarUrl);
            Assert.Equal("store", a3.Cache);
            Assert.Equal(a1.Data, a3.Data);
            Assert.Equal(HttpStatusCode.NotModified, (await MapTestTools.GetAsync(http, merisUrl, m1.ETag)).Status);
        }

        // Re-register the MERIS product (same package, force): its tiles get a new fingerprint and are rendered anew.
        using (var admin = fx.Admin())
        {
            var before = (await fx.WaitForStateAsync(admin, meris.Key, "Registered")).RootElement.GetProperty("history").EnumerateArray()
                .Count(h => h.GetProperty("stage").GetString() == "Registered");
            await MapServicesFixture.IngestAsync(admin, meris, force: true);
            (await fx.WaitForStateAsync(admin, meris.Key, "Registered", before + 1)).Dispose();
        }
        using (var http = fx.Client())
        {
            // The layer snapshot refreshes in the background (Prism:Maps:LayerCacheTime): until then the old tile
            // is still the answer (memory); the first request after it is rendered.
            var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
            FetchedTile m4;
            while (true)
            {
                m4 = await MapTestTools.GetOkAsync(http, merisUrl);
                if (m4.Cache == "rendered") break;
                Assert.Equal("memory", m4.Cache);
                Assert.True(DateTime.UtcNow < deadline, "the re-registered product's tile was never rendered again");
                await Task.Delay(200);
            }
            Assert.Equal(m1.Data, m4.Data); // same package: same picture, under a new key
            Assert.Equal(2, fx.StoredTiles("MER_FRS_1P", "TRUE_COLOR", "WGS84", Z, MerisCol, MerisRow).Length);
            Assert.Equal("memory", (await MapTestTools.GetOkAsync(http, merisUrl)).Cache);

            // The ASAR tile (southern Africa, 2005) does not intersect the MERIS product: still cached.
            var a4 = await MapTestTools.GetOkAsync(http, asarUrl);
            Assert.Contains(a4.Cache, new[] { "memory", "store" });
            Assert.Equal(a1.Data, a4.Data);
            Assert.Single(fx.StoredTiles("ASA_WSM_1P", "GREY", "WGS84", Z, AsarCol, AsarRow));
        }
    }
}
