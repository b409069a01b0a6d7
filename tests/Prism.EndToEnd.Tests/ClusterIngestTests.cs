using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Npgsql;

namespace Prism.Tests;

/// <summary>Queue-driven ingestion in the cluster profile: real Redis, s3rver, PostgreSQL/PostGIS and GDAL.</summary>
public sealed class ClusterIngestTests(ClusterFixture fx) : IClassFixture<ClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task EverySampleProductPushedOnThePreprocessQueueEndsRegistered()
    {
        var products = SampleProduct.All;
        Assert.Equal(5, products.Count);
        foreach (var p in products)
        {
            await fx.UploadInputAsync($"incoming/{Path.GetFileName(p.Archive)}", p.Archive);
            await fx.Db.ListLeftPushAsync(fx.Q("preprocess_queue"), $"incoming/{Path.GetFileName(p.Archive)}");
        }
        var keys = products.Select(p => p.Key).ToArray();
        Assert.True(await fx.WaitForMembersAsync("register-success_set", keys, Patience),
            $"not all registered; failures: {await FailuresAsync()}\n{fx.Gateway.Output}");
        foreach (var key in keys)
            Assert.True(await fx.Db.SetContainsAsync(fx.Q("preprocess-success_set"), key), $"{key} not in preprocess-success_set");
        Assert.Equal(0, await fx.Db.SetLengthAsync(fx.Q("preprocessing_set")));
        Assert.Equal(0, await fx.Db.SetLengthAsync(fx.Q("registering_set")));

        var seeds = await SeedIntervalsAsync(products.Count);
        await using var db = NpgsqlDataSource.Create(fx.ConnectionString);
        foreach (var p in products)
        {
            // seed_queue received begin/end of the product.
            Assert.Contains(seeds, s => s.Split('/') is [var b, var e] && DateTimeOffset.Parse(b) == p.Begin && DateTimeOffset.Parse(e) == p.End);

            // The catalog row: identifier, times and footprint of the metadata.
            await using (var cmd = db.CreateCommand(
                "SELECT begin_time, end_time, ST_Equals(footprint, ST_Multi(ST_GeomFromText(@wkt, 4326))) FROM products WHERE identifier = @id"))
            {
                cmd.Parameters.AddWithValue("id", p.Identifier);
                cmd.Parameters.AddWithValue("wkt", p.FootprintWkt);
                await using var row = await cmd.ExecuteReaderAsync();
                Assert.True(await row.ReadAsync(), $"no catalog row for {p.Identifier}");
                Assert.Equal(p.Begin, new DateTimeOffset(row.GetDateTime(0), TimeSpan.Zero));
                Assert.Equal(p.End, new DateTimeOffset(row.GetDateTime(1), TimeSpan.Zero));
                Assert.True(row.GetBoolean(2), $"footprint of {p.Identifier} differs from the metadata");
            }

            // The COG in the output bucket: GDAL reads it, LAYOUT=COG, overviews, same pixels as the source.
            var sources = await p.UnpackRastersAsync();
            var cogKey = $"{p.Key}/{Path.GetFileNameWithoutExtension(sources[0])}.tif";
            var cog = $"/vsis3/{fx.OutputBucket}/{cogKey}";
            using var info = await Tools.InfoAsync(cog, fx.GdalS3Environment);
            var structure = info.RootElement.GetProperty("metadata").GetProperty("IMAGE_STRUCTURE");
            Assert.Equal("COG", structure.GetProperty("LAYOUT").GetString());
            Assert.True(info.RootElement.GetProperty("bands")[0].GetProperty("overviews").GetArrayLength() > 0, $"{cogKey} has no overviews");
            var expected = p.GcpOnly ? await WarpedReferenceChecksumsAsync(sources[0]) : await Tools.ChecksumsAsync(sources[0]);
            Assert.Equal(expected, await Tools.ChecksumsAsync(cog, fx.GdalS3Environment));
        }
    }

    [Fact]
    public async Task EveryBadPackageFailsWithAReasonAndTheBridgeKeepsConsuming()
    {
        File.Delete("/tmp/prism-escaped.txt");
        var bad = Directory.GetFiles(TestEnvironment.BadInputs).Order().ToArray();
        foreach (var file in bad)
        {
            await fx.UploadInputAsync($"bad/{Path.GetFileName(file)}", file);
            await fx.Db.ListLeftPushAsync(fx.Q("preprocess_queue"), $"bad/{Path.GetFileName(file)}");
        }
        // A good product behind the bad ones still goes through.
        var good = SampleProduct.All.First(p => p.Key.StartsWith("WORLD"));
        await fx.UploadInputAsync("after-bad/WORLD_AFTER_BAD.zip", good.Archive);
        await fx.Db.ListLeftPushAsync(fx.Q("preprocess_queue"), "after-bad/WORLD_AFTER_BAD.zip");

        var keys = bad.Select(f => Path.GetFileName(f).Replace(".tar.gz", "").Replace(".tar", "")).ToArray();
        Assert.True(await fx.WaitForMembersAsync("preprocess-failure_set", keys, Patience),
            $"not all failed: {await FailuresAsync()}\n{fx.Gateway.Output}");
        Assert.True(await fx.WaitForMembersAsync("register-success_set", ["WORLD_AFTER_BAD"], Patience), fx.Gateway.Output);

        var reasons = await fx.Db.HashGetAllAsync(fx.Q("preprocess-failure_set") + ":reasons");
        var byKey = reasons.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString());
        Assert.Contains("archive", byKey["not-an-archive"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("metadata", byKey["no-metadata"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("escapes", byKey["path-traversal"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("limit", byKey["decompression-bomb"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("time", byKey["invalid-time"], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("DTD", byKey["xxe-metadata"], StringComparison.OrdinalIgnoreCase);
        foreach (var key in keys) Assert.False(string.IsNullOrWhiteSpace(byKey[key]), $"{key} has no reason");
        Assert.False(File.Exists("/tmp/prism-escaped.txt"), "path traversal wrote outside the work folder");

        // No catalog row for any of them, and the failure is visible through the admin API.
        await using var db = NpgsqlDataSource.Create(fx.ConnectionString);
        await using (var cmd = db.CreateCommand("SELECT count(*) FROM products WHERE identifier LIKE ANY(@ids)"))
        {
            cmd.Parameters.AddWithValue("ids", new[] { "BOMB%", "HUGE%", "BADMETA%", "NOMETA%", "NORASTER%", "TRAV%", "TRUNC%", "XXE%" });
            Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!);
        }
        using var http = AdminClient();
        using var status = JsonDocument.Parse(await http.GetStringAsync("/admin/products/truncated-raster"));
        Assert.Equal("Failed", status.RootElement.GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(status.RootElement.GetProperty("error").GetString()));
        Assert.True(status.RootElement.GetProperty("history").GetArrayLength() >= 3);
    }

    [Fact]
    public async Task MalformedQueueEntriesGoToTheFailureSetsWithAReason()
    {
        await fx.Db.ListLeftPushAsync(fx.Q("preprocess_queue"), "../../etc/passwd");
        await fx.Db.ListLeftPushAsync(fx.Q("preprocess-md_queue"), "{not json");
        await fx.Db.ListLeftPushAsync(fx.Q("register_queue"), "{\"id\": 42}");
        Assert.True(await fx.WaitForMembersAsync("preprocess-failure_set", ["../../etc/passwd", "{not json"], Patience));
        Assert.True(await fx.WaitForMembersAsync("register-failure_set", ["{\"id\": 42}"], Patience));
        var reason = await fx.Db.HashGetAsync(fx.Q("preprocess-failure_set") + ":reasons", "{not json");
        Assert.Contains("JSON", reason.ToString());
        Assert.Equal(0, await fx.Db.ListLengthAsync(fx.Q("preprocess_queue")));
    }

    [Fact]
    public async Task TheStacItemOnTheRegisterQueueRegistersMetadataOnly()
    {
        var json = await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(TestEnvironment.SharedData, "stac")).Single());
        using var item = JsonDocument.Parse(json);
        var id = item.RootElement.GetProperty("id").GetString()!;
        await fx.Db.ListLeftPushAsync(fx.Q("register_queue"), json);
        Assert.True(await fx.WaitForMembersAsync("register-success_set", [id], Patience), $"{await FailuresAsync()}\n{fx.Gateway.Output}");
        await using var db = NpgsqlDataSource.Create(fx.ConnectionString);
        await using var cmd = db.CreateCommand(
            "SELECT (SELECT count(*) FROM coverages c WHERE c.product_id = p.id), ST_IsValid(p.footprint) FROM products p WHERE identifier = @id");
        cmd.Parameters.AddWithValue("id", id);
        await using var row = await cmd.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync(), "no catalog row for the STAC item");
        Assert.Equal(0L, row.GetInt64(0));
        Assert.True(row.GetBoolean(1));
    }

    [Fact]
    public async Task AMetadataMessageOnThePreprocessMetadataQueueEndsRegistered()
    {
        var meris = SampleProduct.All.First(p => p.Key.StartsWith("MER_"));
        var raster = (await meris.UnpackRastersAsync())[0];
        await fx.UploadInputAsync("md/scene.tif", raster);
        var message = JsonSerializer.Serialize(new
        {
            id = "MD_MESSAGE_1",
            product_type = "MER_FRS_1P",
            begin_time = "2006-08-16T09:09:29Z",
            end_time = "2006-08-16T09:12:46Z",
            properties = new { platform = "ENVISAT", instrument = "MERIS", cloud_cover = 12.5 },
            data = new[] { "md/scene.tif" },
        });
        await fx.Db.ListLeftPushAsync(fx.Q("preprocess-md_queue"), message);
        Assert.True(await fx.WaitForMembersAsync("register-success_set", ["MD_MESSAGE_1"], Patience), $"{await FailuresAsync()}\n{fx.Gateway.Output}");

        await using var db = NpgsqlDataSource.Create(fx.ConnectionString);
        await using var cmd = db.CreateCommand(
            "SELECT platform, cloud_cover, ST_Area(ST_Intersection(footprint, m)) / ST_Area(ST_Union(footprint, m)) " +
            "FROM products, ST_GeomFromText(@wkt, 4326) AS m WHERE identifier = 'MD_MESSAGE_1'");
        cmd.Parameters.AddWithValue("wkt", meris.FootprintWkt);
        await using var row = await cmd.ExecuteReaderAsync();
        Assert.True(await row.ReadAsync());
        Assert.Equal("ENVISAT", row.GetString(0));
        Assert.Equal(12.5, row.GetDouble(1));
        // Without a footprint in the message, the valid-data outline of the raster is used: it matches the swath
        // of the metadata (intersection over union), not the raster's rectangle.
        Assert.True(row.GetDouble(2) > 0.9, $"valid-data outline vs metadata footprint: IoU {row.GetDouble(2):0.000}");
        // MERIS outside-swath black is nodata (transparent) in the COG; the pixels are unchanged.
        var cog = $"/vsis3/{fx.OutputBucket}/MD_MESSAGE_1/scene.tif";
        using var info = await Tools.InfoAsync(cog, fx.GdalS3Environment);
        foreach (var band in info.RootElement.GetProperty("bands").EnumerateArray())
            Assert.Equal(0, band.GetProperty("noDataValue").GetDouble());
        Assert.Equal(await Tools.ChecksumsAsync(raster), await Tools.ChecksumsAsync(cog, fx.GdalS3Environment));
    }

    [Fact]
    public async Task AdminRoutesNeedTheBearerToken()
    {
        using var anonymous = new HttpClient { BaseAddress = fx.Gateway.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/admin/products")).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/admin/products")).StatusCode);
        using var admin = AdminClient();
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/admin/products")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/admin/products/never-seen")).StatusCode);
        var bad = await admin.PostAsync("/admin/ingest", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    /// <summary>The <c>begin/end</c> of the seed jobs started from <c>seed_queue</c> (the seed bridge consumes the
    /// queue at once, so its entries are observed as the jobs they became).</summary>
    private async Task<List<string>> SeedIntervalsAsync(int atLeast)
    {
        using var http = AdminClient();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        var intervals = new List<string>();
        while (DateTime.UtcNow < deadline)
        {
            intervals.Clear();
            foreach (var set in new[] { "seeding_set", "seed-success_set", "seed-failure_set" })
            foreach (var job in await fx.Db.SetMembersAsync(fx.Q(set)))
            {
                using var doc = JsonDocument.Parse(await http.GetStringAsync($"/admin/seed/{job}"));
                intervals.Add($"{doc.RootElement.GetProperty("begin").GetString()}/{doc.RootElement.GetProperty("end").GetString()}");
            }
            // A job moving from seeding_set to seed-success_set is briefly in both: count distinct intervals.
            if (intervals.Distinct().Count() >= atLeast) break;
            await Task.Delay(250);
        }
        return intervals;
    }

    private HttpClient AdminClient()
    {
        var http = new HttpClient { BaseAddress = fx.Gateway.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ClusterFixture.Token);
        return http;
    }

    private async Task<string> FailuresAsync()
    {
        var pre = await fx.Db.HashGetAllAsync(fx.Q("preprocess-failure_set") + ":reasons");
        var reg = await fx.Db.HashGetAllAsync(fx.Q("register-failure_set") + ":reasons");
        return string.Join("\n", pre.Concat(reg).Select(e => $"{e.Name}: {e.Value}"));
    }

    /// <summary>The reference for GCP-only rasters: gdalwarp with the converter's documented defaults.</summary>
    private static async Task<int[]> WarpedReferenceChecksumsAsync(string source)
    {
        var reference = Path.Combine(TestEnvironment.TempFolder("warp"), "reference.tif");
        await Tools.RunAsync("gdalwarp", ["-q", "-order", "2", "-r", "bilinear", "-dstnodata", "0", "-t_srs", "EPSG:4326", source, reference]);
        return await Tools.ChecksumsAsync(reference);
    }
}
