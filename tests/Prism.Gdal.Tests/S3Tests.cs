using System.Net;
using Prism.Gdal;

namespace Prism.Tests.Gdal;

/// <summary>/vsis3/ against the real s3rver (fails, not skips, when it is not running).</summary>
public sealed class S3Tests(GdalTestData data) : IClassFixture<GdalTestData>, IDisposable
{
    private readonly string _out = TestEnvironment.TempFolder("gdal-s3");
    private readonly HttpClient _http = new() { BaseAddress = new Uri(TestEnvironment.S3Endpoint.TrimEnd('/') + "/") };

    public void Dispose()
    {
        _http.Dispose();
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public async Task Raster_on_s3_is_read_and_converted_through_vsis3()
    {
        var bucket = $"gdal-{Guid.NewGuid():N}"[..30];
        var create = await _http.PutAsync(bucket, null);
        Assert.True(create.IsSuccessStatusCode, $"create bucket: {create.StatusCode}");
        const string key = "products/meris/scene.tif";
        var upload = await _http.PutAsync($"{bucket}/{key}", new ByteArrayContent(await File.ReadAllBytesAsync(data.Meris)));
        Assert.True(upload.IsSuccessStatusCode, $"upload: {upload.StatusCode}");

        GdalRuntime.ConfigureS3(TestEnvironment.S3Endpoint, TestEnvironment.S3AccessKey, TestEnvironment.S3SecretKey, "us-east-1");
        Assert.Equal("NO", GdalRuntime.GetConfigOption("AWS_HTTPS"));
        Assert.Equal("FALSE", GdalRuntime.GetConfigOption("AWS_VIRTUAL_HOSTING"));
        Assert.Equal(new Uri(TestEnvironment.S3Endpoint).Authority, GdalRuntime.GetConfigOption("AWS_S3_ENDPOINT"));

        var remote = $"/vsis3/{bucket}/{key}";
        int[] remoteSums;
        var pixels = new byte[32 * 32];
        var localPixels = new byte[32 * 32];
        using (var ds = GdalDataset.Open(remote))
        {
            Assert.Equal(541, ds.Width);
            remoteSums = ds.Bands.Select(b => b.Checksum()).ToArray();
            ds.GetBand(2).Read(300, 100, 32, 32, pixels.AsSpan(), 32, 32);
        }
        using (var local = GdalDataset.Open(data.Meris))
        {
            Assert.Equal(local.Bands.Select(b => b.Checksum()).ToArray(), remoteSums);
            local.GetBand(2).Read(300, 100, 32, 32, localPixels.AsSpan(), 32, 32);
        }
        Assert.Equal(localPixels, pixels);

        // Convert from S3 to a local COG, and write a COG straight to S3.
        var cog = Path.Combine(_out, "cog.tif");
        var result = CogConverter.Convert(new CogRequest { SourcePath = remote, DestinationPath = cog });
        Assert.Equal("COG", result.Output.Layout);
        Assert.Equal(remoteSums, GdalCli.Checksums(GdalCli.Info(cog)));

        var remoteCog = $"/vsis3/{bucket}/cogs/scene.tif";
        var uploaded = CogConverter.Convert(new CogRequest { SourcePath = cog, DestinationPath = remoteCog });
        Assert.Equal("COG", uploaded.Output.Layout);
        var fetched = await _http.GetAsync($"{bucket}/cogs/scene.tif");
        Assert.Equal(HttpStatusCode.OK, fetched.StatusCode);
        var copy = Path.Combine(_out, "fetched.tif");
        await File.WriteAllBytesAsync(copy, await fetched.Content.ReadAsByteArrayAsync());
        var cli = GdalCli.Info(copy);
        Assert.Equal("COG", GdalCli.ImageStructure(cli, "LAYOUT"));
        Assert.Equal(remoteSums, GdalCli.Checksums(cli));

        var missing = Assert.Throws<InvalidRasterException>(() => GdalDataset.Open($"/vsis3/{bucket}/no-such-key.tif"));
        Assert.NotEmpty(missing.Message);
    }
}
