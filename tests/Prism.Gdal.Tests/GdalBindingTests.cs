using System.Globalization;
using System.Text.Json;
using Prism.Gdal;

namespace Prism.Tests.Gdal;

public sealed class GdalBindingTests(GdalTestData data) : IClassFixture<GdalTestData>, IDisposable
{
    private readonly string _out = TestEnvironment.TempFolder("gdal-binding");

    public void Dispose()
    {
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Runtime_reports_version_and_config()
    {
        GdalRuntime.EnsureInitialized();
        Assert.StartsWith("3.", GdalRuntime.Version);
        Assert.True(GdalRuntime.CacheMaxBytes > 0);

        var key = "PRISM_TEST_OPTION_" + Guid.NewGuid().ToString("N");
        GdalRuntime.SetConfigOption(key, "global");
        Assert.Equal("global", GdalRuntime.GetConfigOption(key));
        string? seenOnOtherThread = null;
        GdalRuntime.SetThreadLocalConfigOption(key, "local");
        var t = new Thread(() => seenOnOtherThread = GdalRuntime.GetConfigOption(key));
        t.Start();
        t.Join();
        Assert.Equal("local", GdalRuntime.GetConfigOption(key));
        Assert.Equal("global", seenOnOtherThread);
        GdalRuntime.SetThreadLocalConfigOption(key, null);
        GdalRuntime.SetConfigOption(key, null);
        Assert.Null(GdalRuntime.GetConfigOption(key));
    }

    [Fact]
    public void Dataset_exposes_header_bands_and_checksums_like_gdalinfo()
    {
        using var ds = GdalDataset.Open(data.Meris);
        var cli = GdalCli.Info(data.Meris);
        Assert.Equal(cli.GetProperty("size")[0].GetInt32(), ds.Width);
        Assert.Equal(cli.GetProperty("size")[1].GetInt32(), ds.Height);
        Assert.Equal(3, ds.BandCount);
        Assert.Equal("GTiff", ds.DriverName);
        Assert.Contains("WGS 84", ds.ProjectionWkt);
        Assert.True(ds.TryGetGeoTransform(out var gt));
        var cliGt = GdalCli.GeoTransform(cli)!;
        for (var i = 0; i < 6; i++) Assert.Equal(cliGt[i], gt[i], 1e-9);
        Assert.Equal(0, ds.GcpCount);
        Assert.Equal("PIXEL", ds.GetMetadataItem("INTERLEAVE", "IMAGE_STRUCTURE"));
        Assert.Null(ds.GetMetadataItem("NO_SUCH_ITEM"));

        var band = ds.GetBand(1);
        Assert.Equal(GdalDataType.Byte, band.DataType);
        Assert.Null(band.NoDataValue);
        Assert.Equal(ColorInterpretation.Red, band.ColorInterpretation);
        Assert.Equal("Red", band.ColorInterpretationName);
        Assert.Equal(0, band.OverviewCount);
        Assert.Equal(GdalCli.Checksums(cli), ds.Bands.Select(b => b.Checksum()).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => ds.GetBand(4));
    }

    [Fact]
    public void Gcp_only_dataset_has_gcps_and_no_geotransform()
    {
        using var ds = GdalDataset.Open(data.Asar);
        Assert.False(ds.TryGetGeoTransform(out _));
        Assert.Equal("", ds.ProjectionWkt);
        Assert.True(ds.GcpCount > 10);
        Assert.Contains("WGS 84", ds.GcpProjectionWkt);
        Assert.Equal(GdalDataType.UInt16, ds.GetBand(1).DataType);
    }

    [Fact]
    public void Read_pixels_as_byte_ushort_and_float()
    {
        using var asar = GdalDataset.Open(data.Asar);
        var band = asar.GetBand(1);
        var u16 = new ushort[64 * 32];
        var f32 = new float[64 * 32];
        band.Read(100, 100, 64, 32, u16.AsSpan(), 64, 32);
        band.Read(100, 100, 64, 32, f32.AsSpan(), 64, 32);
        Assert.Contains(u16, v => v != 0);
        Assert.Equal(u16.Select(v => (float)v), f32);

        // Decimated read: the whole image into 10x10.
        var small = new ushort[100];
        band.Read(0, 0, asar.Width, asar.Height, small.AsSpan(), 10, 10);
        Assert.Contains(small, v => v != 0);

        using var meris = GdalDataset.Open(data.Meris);
        var rgb = new byte[3 * 16 * 16];
        meris.Read(200, 200, 16, 16, rgb.AsSpan(), 16, 16);
        var red = new byte[16 * 16];
        meris.GetBand(1).Read(200, 200, 16, 16, red.AsSpan(), 16, 16);
        Assert.Equal(red, rgb[..256]);
        var green = new byte[16 * 16];
        meris.Read(200, 200, 16, 16, green.AsSpan(), 16, 16, [2]);
        Assert.Equal(green, rgb[256..512]);

        Assert.Throws<ArgumentException>(() => band.Read(0, 0, 10, 10, new ushort[5].AsSpan(), 10, 10));
        var outside = Assert.Throws<GdalException>(() => band.Read(asar.Width - 5, 0, 10, 10, new ushort[100].AsSpan(), 10, 10));
        Assert.Contains("out of", outside.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Disposed_dataset_refuses_use()
    {
        var ds = GdalDataset.Open(data.World);
        var band = ds.GetBand(1);
        ds.Dispose();
        Assert.Throws<ObjectDisposedException>(() => ds.Width);
        Assert.Throws<ObjectDisposedException>(() => band.DataType);
        ds.Dispose();
    }

    [Fact]
    public void Translate_warp_and_info_json()
    {
        var png = Path.Combine(_out, "small.tif");
        GdalUtils.Translate(data.World, png, ["-outsize", "64", "32", "-r", "average"]);
        using (var ds = GdalDataset.Open(png))
        {
            Assert.Equal(64, ds.Width);
            Assert.Equal(32, ds.Height);
        }

        var warped = Path.Combine(_out, "asar-warped.tif");
        GdalUtils.Warp(data.Asar, warped, ["-order", "2", "-r", "bilinear", "-dstnodata", "0", "-t_srs", "EPSG:4326"]);
        var reference = Path.Combine(_out, "asar-ref.tif");
        GdalCli.Run("gdalwarp", "-q", "-order", "2", "-r", "bilinear", "-dstnodata", "0", "-t_srs", "EPSG:4326", data.Asar, reference);
        Assert.Equal(GdalCli.Checksums(GdalCli.Info(reference)), GdalCli.Checksums(GdalCli.Info(warped)));

        var json = JsonDocument.Parse(GdalUtils.InfoJson(data.World)).RootElement;
        Assert.Equal("GTiff", json.GetProperty("driverShortName").GetString());
        Assert.Equal(512, json.GetProperty("size")[0].GetInt32());

        var bad = Assert.Throws<GdalException>(() => GdalUtils.Translate(data.World, Path.Combine(_out, "bad.tif"), ["-no-such-option"]));
        Assert.Contains("no-such-option", bad.Message);
        var badWarp = Assert.Throws<GdalException>(() => GdalUtils.Warp(data.World, Path.Combine(_out, "bad2.tif"), ["-t_srs", "EPSG:999999"]));
        Assert.NotEmpty(badWarp.Message);
        Assert.Throws<InvalidRasterException>(() => GdalUtils.InfoJson(data.NotARaster));
    }

    [Fact]
    public void Authority_codes()
    {
        using var ds = GdalDataset.Open(data.Meris);
        Assert.Equal("EPSG:4326", GdalUtils.AuthorityCode(ds.ProjectionWkt));
        Assert.Equal("EPSG:32633", GdalUtils.AuthorityCode("EPSG:32633"));

        // A WKT1 without any AUTHORITY node is still identified when it matches a registered CRS exactly.
        const string noAuthority = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563]]," +
                                   "PRIMEM[\"Greenwich\",0],UNIT[\"degree\",0.0174532925199433]]";
        Assert.Equal("EPSG:4326", GdalUtils.AuthorityCode(noAuthority));
        Assert.Null(GdalUtils.AuthorityCode("this is not a CRS"));
        Assert.Null(GdalUtils.AuthorityCode("LOCAL_CS[\"nowhere\",UNIT[\"metre\",1]]"));
    }

    [Fact]
    public void Raster_info_and_footprints()
    {
        var meris = RasterInfo.Read(data.Meris);
        Assert.Equal("EPSG:4326", meris.Crs);
        Assert.Equal(3, meris.BandCount);
        Assert.Null(meris.Layout);
        Assert.Null(meris.Compression);
        Assert.Equal("Byte", meris.Bands[0].DataType);
        Assert.Equal("Red", meris.Bands[0].ColorInterpretation);
        var gt = meris.GeoTransform!;
        var fp = Points(meris.FootprintWkt()!);
        Assert.All(fp, p => Assert.InRange(p.X, gt[0] - 1e-6, gt[0] + gt[1] * meris.Width + 1e-6));
        Assert.All(fp, p => Assert.InRange(p.Y, gt[3] + gt[5] * meris.Height - 1e-6, gt[3] + 1e-6));
        Assert.Equal(fp[0], fp[^1]);
        Assert.Contains(fp, p => Math.Abs(p.X - gt[0]) < 1e-6 && Math.Abs(p.Y - gt[3]) < 1e-6);

        var world = RasterInfo.Read(data.World);
        Assert.Equal("LZW", world.Compression);
        var wfp = Points(world.FootprintWkt()!);
        Assert.Equal(-180, wfp.Min(p => p.X), 6);
        Assert.Equal(180, wfp.Max(p => p.X), 6);
        Assert.Equal(-90, wfp.Min(p => p.Y), 6);

        // GCP-only: outline through the GCPs in lon/lat order; its bounding box is that of the gdalwarp output.
        var asar = RasterInfo.Read(data.Asar);
        Assert.Null(asar.GeoTransform);
        Assert.Null(asar.Crs);
        Assert.Equal("EPSG:4326", asar.GcpCrs);
        var afp = Points(asar.FootprintWkt()!);
        var warped = Path.Combine(_out, "asar-4326.tif");
        GdalCli.Run("gdalwarp", "-q", "-t_srs", "EPSG:4326", data.Asar, warped);
        var wgt = GdalCli.GeoTransform(GdalCli.Info(warped, checksum: false))!;
        using (var w = GdalDataset.Open(warped))
        {
            var tolerance = 2 * Math.Abs(wgt[1]);
            Assert.Equal(wgt[0], afp.Min(p => p.X), tolerance);
            Assert.Equal(wgt[0] + wgt[1] * w.Width, afp.Max(p => p.X), tolerance);
            Assert.Equal(wgt[3], afp.Max(p => p.Y), tolerance);
            Assert.Equal(wgt[3] + wgt[5] * w.Height, afp.Min(p => p.Y), tolerance);
        }
        Assert.All(afp, p => Assert.InRange(p.X, 15, 24));
        Assert.All(afp, p => Assert.InRange(p.Y, -37, -31));

        // Projected CRS: a UTM copy's footprint is still lon/lat.
        var utm = Path.Combine(_out, "utm.tif");
        GdalUtils.Warp(data.Meris, utm, ["-t_srs", "EPSG:32633", "-ts", "200", "0"]);
        var utmInfo = RasterInfo.Read(utm);
        Assert.Equal("EPSG:32633", utmInfo.Crs);
        var ufp = Points(utmInfo.FootprintWkt()!);
        Assert.All(ufp, p => Assert.InRange(p.X, 7, 33)); // the UTM rectangle encloses the source (11.3..28.3 E)
        Assert.All(ufp, p => Assert.InRange(p.Y, 30, 48));
    }

    [Fact]
    public void Vsimem_round_trip()
    {
        var input = VsiMem.UniquePath();
        VsiMem.Write(input, File.ReadAllBytes(data.World));
        var output = VsiMem.UniquePath();
        try
        {
            var info = RasterInfo.Read(input);
            Assert.Equal(512, info.Width);
            var result = CogConverter.Convert(new CogRequest { SourcePath = input, DestinationPath = output });
            Assert.Equal("COG", result.Output.Layout);

            var bytes = VsiMem.Take(output);
            Assert.False(VsiMem.Delete(output));
            Assert.Throws<FileNotFoundException>(() => VsiMem.Take(output));
            var file = Path.Combine(_out, "from-vsimem.tif");
            File.WriteAllBytes(file, bytes);
            var cli = GdalCli.Info(file);
            Assert.Equal("COG", GdalCli.ImageStructure(cli, "LAYOUT"));
            Assert.Equal(GdalCli.Checksums(GdalCli.Info(data.World)), GdalCli.Checksums(cli));
        }
        finally
        {
            Assert.True(VsiMem.Delete(input));
            Assert.False(VsiMem.Delete(input));
        }
        Assert.Throws<ArgumentException>(() => VsiMem.Write("/tmp/not-vsimem.tif", new byte[1]));
    }

    private static (double X, double Y)[] Points(string multipolygon)
    {
        Assert.StartsWith("MULTIPOLYGON(((", multipolygon);
        var body = multipolygon["MULTIPOLYGON(((".Length..^3];
        return body.Split(',').Select(p =>
        {
            var xy = p.Trim().Split(' ');
            return (double.Parse(xy[0], CultureInfo.InvariantCulture), double.Parse(xy[1], CultureInfo.InvariantCulture));
        }).ToArray();
    }
}
