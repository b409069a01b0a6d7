using Prism.Gdal;

namespace Prism.Tests.Gdal;

public sealed class CogConverterTests(GdalTestData data) : IClassFixture<GdalTestData>, IDisposable
{
    private readonly string _out = TestEnvironment.TempFolder("cog-out");

    public void Dispose()
    {
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }

    public static TheoryData<string> GeoreferencedNames => new()
    {
        "mosaic_ENVISAT-MER_FRS_1PNPDE20060816",
        "mosaic_ENVISAT-MER_FRS_1PNPDE20060822",
        "mosaic_ENVISAT-MER_FRS_1PNPDE20060830",
        "WORLD_RGB_20200101",
    };

    [Theory]
    [MemberData(nameof(GeoreferencedNames))]
    public void Georeferenced_raster_becomes_a_cog_with_the_same_pixels_and_georeferencing(string namePrefix)
    {
        var source = data.GeoreferencedRasters.Single(p => Path.GetFileName(p).StartsWith(namePrefix, StringComparison.Ordinal));
        var destination = Path.Combine(_out, "out.tif");

        // 256-pixel tiles: with the default 512 the 512x256 WORLD raster fits in one tile and OVERVIEWS=AUTO makes none.
        var result = CogConverter.Convert(new CogRequest { SourcePath = source, DestinationPath = destination, NoData = 0, BlockSize = 256 });

        Assert.False(result.Warped);
        var src = GdalCli.Info(source);
        var cog = GdalCli.Info(destination);
        Assert.Equal("COG", GdalCli.ImageStructure(cog, "LAYOUT"));
        Assert.Equal("DEFLATE", GdalCli.ImageStructure(cog, "COMPRESSION"));
        Assert.True(GdalCli.OverviewCount(cog) > 0, "the COG has overviews");
        Assert.Equal(GdalCli.Checksums(src), GdalCli.Checksums(cog));
        Assert.Equal(GdalCli.GeoTransform(src), GdalCli.GeoTransform(cog));
        Assert.Equal(GdalCli.Wkt(src), GdalCli.Wkt(cog));
        using (var s = GdalDataset.Open(source))
        {
            Assert.True(s.TryGetGeoTransform(out var sourceGt));
            Assert.Equal(sourceGt, result.Output.GeoTransform); // exact, not through JSON
        }

        // The result describes the output.
        var info = result.Output;
        Assert.Equal("COG", info.Layout);
        Assert.Equal("DEFLATE", info.Compression);
        Assert.Equal("EPSG:4326", info.Crs);
        Assert.Equal(GdalCli.OverviewCount(cog), info.OverviewCount);
        Assert.Equal(new BlockSize(256, 256), info.BlockSize);
        Assert.All(info.Bands, b => Assert.Equal("Byte", b.DataType));
        Assert.All(info.Bands, b => Assert.Equal(0.0, b.NoData)); // the sources have none: NoData=0 was set on every band
        Assert.Contains("OVERVIEW_RESAMPLING=AVERAGE", result.TranslateArguments);
    }

    [Fact]
    public void Gcp_only_asar_is_warped_like_gdalwarp_order_2_then_written_as_cog()
    {
        var destination = Path.Combine(_out, "asar.tif");
        var result = CogConverter.Convert(new CogRequest { SourcePath = data.Asar, DestinationPath = destination });

        // Reference made with the command-line tools.
        var warped = Path.Combine(_out, "ref-warped.tif");
        var reference = Path.Combine(_out, "ref-cog.tif");
        GdalCli.Run("gdalwarp", "-q", "-order", "2", "-r", "bilinear", "-dstnodata", "0", "-t_srs", "EPSG:4326", data.Asar, warped);
        GdalCli.Run("gdal_translate", "-q", "-of", "COG", "-co", "COMPRESS=DEFLATE", "-co", "PREDICTOR=2", "-co", "OVERVIEWS=AUTO", warped, reference);

        Assert.True(result.Warped);
        var refInfo = GdalCli.Info(reference);
        var cog = GdalCli.Info(destination);
        Assert.Equal(GdalCli.Checksums(refInfo), GdalCli.Checksums(cog));
        Assert.Equal(GdalCli.GeoTransform(refInfo), GdalCli.GeoTransform(cog));
        Assert.Equal("COG", GdalCli.ImageStructure(cog, "LAYOUT"));
        Assert.Equal("EPSG:4326", result.Output.Crs);
        Assert.Equal("UInt16", result.Output.Bands[0].DataType);
        Assert.Equal(0.0, result.Output.Bands[0].NoData);
        Assert.Contains("PREDICTOR=STANDARD", result.TranslateArguments);
        Assert.Equal(0, result.Output.GcpCount);
    }

    [Fact]
    public void Gcp_warp_is_configurable()
    {
        var destination = Path.Combine(_out, "new", "folder", "asar-tps.tif");
        var temp = Path.Combine(_out, "warp-temp");
        var result = CogConverter.Convert(new CogRequest
        {
            SourcePath = data.Asar,
            DestinationPath = destination,
            Warp = new GcpWarpOptions { UseThinPlateSpline = true, Resampling = "near" },
            TargetCrs = "EPSG:3857",
            InMemoryWarpLimitBytes = 0, // intermediate in TempDirectory, removed afterwards
            TempDirectory = temp,
        });
        Assert.True(result.Warped);
        Assert.Equal("EPSG:3857", result.Output.Crs);
        Assert.True(File.Exists(destination));
        Assert.Empty(Directory.GetFiles(temp));
        using var asar = GdalDataset.Open(data.Asar);
        var warpArgs = CogConverter.BuildWarpArguments(new CogRequest
            { SourcePath = data.Asar, DestinationPath = destination, Warp = new GcpWarpOptions { UseThinPlateSpline = true } }, asar, gcpOnly: true, "EPSG:4326");
        Assert.Contains("-tps", warpArgs);
        Assert.DoesNotContain("-order", warpArgs);
    }

    [Fact]
    public void Rotated_geotransform_is_kept_with_unchanged_pixels()
    {
        var rotated = Path.Combine(_out, "rotated.tif");
        File.Copy(data.Meris, rotated);
        double[] gt = [11.33, 0.03, 0.004, 46.27, 0.005, -0.03];
        using (var ds = GdalDataset.Open(rotated, update: true))
        {
            ds.SetGeoTransform(gt);
        }
        AssertClose(gt, GdalCli.GeoTransform(GdalCli.Info(rotated, checksum: false))!);

        var destination = Path.Combine(_out, "rotated-cog.tif");
        var result = CogConverter.Convert(new CogRequest { SourcePath = rotated, DestinationPath = destination });

        Assert.False(result.Warped);
        var cog = GdalCli.Info(destination);
        Assert.Equal(GdalCli.Checksums(GdalCli.Info(rotated)), GdalCli.Checksums(cog));
        AssertClose(gt, GdalCli.GeoTransform(cog)!);
        Assert.Equal(gt, result.Output.GeoTransform);
        Assert.Equal(new BlockSize(512, 512), result.Output.BlockSize);
        Assert.Equal("COG", GdalCli.ImageStructure(cog, "LAYOUT"));
    }

    [Fact]
    public void Truncated_raster_is_invalid_with_gdals_message()
    {
        var destination = Path.Combine(_out, "trunc.tif");
        var e = Assert.Throws<InvalidRasterException>(() =>
            CogConverter.Convert(new CogRequest { SourcePath = data.Truncated, DestinationPath = destination }));
        Assert.Contains("TIFFReadEncodedStrip", e.Message);
        Assert.NotEmpty(e.Messages);
        Assert.False(File.Exists(destination), "no partial output is left");
    }

    [Fact]
    public void Not_a_raster_is_invalid_with_gdals_message()
    {
        var e = Assert.Throws<InvalidRasterException>(() =>
            CogConverter.Convert(new CogRequest { SourcePath = data.NotARaster, DestinationPath = Path.Combine(_out, "x.tif") }));
        Assert.Contains("not recognized as a supported file format", e.Message);
        Assert.Equal(4, e.ErrorNumber); // CPLE_OpenFailed
    }

    [Fact]
    public void Missing_file_is_invalid()
    {
        var e = Assert.Throws<InvalidRasterException>(() =>
            CogConverter.Convert(new CogRequest { SourcePath = Path.Combine(_out, "missing.tif"), DestinationPath = Path.Combine(_out, "x.tif") }));
        Assert.Contains("No such file or directory", e.Message);
    }

    [Fact]
    public void Huge_raster_is_refused_by_the_limits_before_reading()
    {
        var destination = Path.Combine(_out, "huge.tif");
        var e = Assert.Throws<RasterLimitException>(() =>
            CogConverter.Convert(new CogRequest { SourcePath = data.Huge, DestinationPath = destination }));
        Assert.Equal(200_000, e.Width);
        Assert.Equal(200_000, e.Height);
        Assert.IsAssignableFrom<InvalidRasterException>(e);
        Assert.False(File.Exists(destination));

        Assert.Throws<RasterLimitException>(() => CogConverter.Convert(new CogRequest
            { SourcePath = data.World, DestinationPath = destination, MaxWidth = 100 }));
        Assert.Throws<RasterLimitException>(() => CogConverter.Convert(new CogRequest
            { SourcePath = data.World, DestinationPath = destination, MaxHeight = 100 }));
        Assert.Throws<RasterLimitException>(() => CogConverter.Convert(new CogRequest
            { SourcePath = data.World, DestinationPath = destination, MaxPixels = 512 * 256 - 1 }));
        Assert.False(File.Exists(destination));
    }

    [Fact]
    public void Raster_without_georeferencing_is_invalid()
    {
        // A binary PGM: GDAL reads it (PNM driver) but it has no geotransform, CRS or GCPs.
        var pgm = Path.Combine(_out, "plain.pgm");
        File.WriteAllBytes(pgm, [.. "P5\n4 4\n255\n"u8.ToArray(), .. new byte[16]]);
        var e = Assert.Throws<InvalidRasterException>(() =>
            CogConverter.Convert(new CogRequest { SourcePath = pgm, DestinationPath = Path.Combine(_out, "plain.tif") }));
        Assert.Contains("no georeferencing", e.Message);
    }

    [Fact]
    public void Explicit_compression_quality_threads_and_extra_options()
    {
        var jpeg = Path.Combine(_out, "jpeg.tif");
        var r1 = CogConverter.Convert(new CogRequest
        {
            SourcePath = data.World, DestinationPath = jpeg, Compression = "JPEG", Quality = 90, BlockSize = 256, NumThreads = 2,
            OverviewResampling = "nearest", ExtraCreationOptions = ["STATISTICS=NO"],
        });
        Assert.Contains("JPEG", r1.Output.Compression); // "YCbCr JPEG" for RGB
        Assert.Equal(new BlockSize(256, 256), r1.Output.BlockSize);
        Assert.Contains("QUALITY=90", r1.TranslateArguments);
        Assert.Contains("OVERVIEW_RESAMPLING=NEAREST", r1.TranslateArguments);

        var lzw = Path.Combine(_out, "lzw.tif");
        var r2 = CogConverter.Convert(new CogRequest { SourcePath = data.Asar, DestinationPath = lzw, Compression = "lzw" });
        Assert.Equal("LZW", r2.Output.Compression);
        Assert.Contains("PREDICTOR=STANDARD", r2.TranslateArguments);

        // An impossible combination is GDAL's error, not an invalid raster.
        var e = Assert.Throws<GdalException>(() => CogConverter.Convert(new CogRequest
            { SourcePath = data.Asar, DestinationPath = Path.Combine(_out, "webp.tif"), Compression = "WEBP" }));
        Assert.IsNotType<InvalidRasterException>(e);
    }

    [Fact]
    public void Float_data_gets_the_floating_point_predictor()
    {
        var f32 = Path.Combine(_out, "f32.tif");
        GdalUtils.Translate(data.World, f32, ["-ot", "Float32", "-b", "1"]);
        var result = CogConverter.Convert(new CogRequest { SourcePath = f32, DestinationPath = Path.Combine(_out, "f32-cog.tif") });
        Assert.Contains("PREDICTOR=FLOATING_POINT", result.TranslateArguments);
        Assert.Equal("Float32", result.Output.Bands[0].DataType);
        Assert.Equal(GdalCli.Checksums(GdalCli.Info(f32)), GdalCli.Checksums(GdalCli.Info(Path.Combine(_out, "f32-cog.tif"))));
    }

    [Fact]
    public void Reprojection_to_another_crs_warps()
    {
        var result = CogConverter.Convert(new CogRequest
            { SourcePath = data.Meris, DestinationPath = Path.Combine(_out, "merc.tif"), TargetCrs = "EPSG:3857", NoData = 0 });
        Assert.True(result.Warped);
        Assert.Equal("EPSG:3857", result.Output.Crs);
        Assert.Equal("COG", result.Output.Layout);

        // Same CRS as the source: no warp.
        var same = CogConverter.Convert(new CogRequest
            { SourcePath = data.Meris, DestinationPath = Path.Combine(_out, "same.tif"), TargetCrs = "EPSG:4326" });
        Assert.False(same.Warped);
    }

    [Fact]
    public void Cancelled_conversion_throws_and_leaves_nothing()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var destination = Path.Combine(_out, "cancelled.tif");
        Assert.ThrowsAny<OperationCanceledException>(() =>
            CogConverter.Convert(new CogRequest { SourcePath = data.World, DestinationPath = destination }, cts.Token));
        Assert.False(File.Exists(destination));
    }

    [Fact]
    public void Parallel_conversions_on_several_threads_give_the_same_pixels()
    {
        var sources = data.GeoreferencedRasters.Append(data.Asar).ToArray();
        var expected = sources.ToDictionary(s => s, s =>
        {
            var d = Path.Combine(_out, $"seq-{Path.GetFileName(s)}");
            CogConverter.Convert(new CogRequest { SourcePath = s, DestinationPath = d });
            return Checksums(d);
        });

        var jobs = Enumerable.Range(0, 3).SelectMany(i => sources.Select(s => (Source: s, Dest: Path.Combine(_out, $"par{i}-{Path.GetFileName(s)}")))).ToArray();
        var errors = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            try
            {
                for (var j = t; j < jobs.Length; j += 4)
                {
                    CogConverter.Convert(new CogRequest { SourcePath = jobs[j].Source, DestinationPath = jobs[j].Dest });
                    // Interleave a failure: its error must not leak into the other threads' conversions.
                    Assert.Throws<InvalidRasterException>(() => GdalDataset.Open(data.NotARaster));
                }
            }
            catch (Exception e) { errors.Add(e); }
        })).ToArray();
        foreach (var th in threads) th.Start();
        foreach (var th in threads) th.Join();

        Assert.Empty(errors);
        foreach (var (source, dest) in jobs) Assert.Equal(expected[source], Checksums(dest));
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-9);
    }

    private static int[] Checksums(string path)
    {
        using var ds = GdalDataset.Open(path);
        return ds.Bands.Select(b => b.Checksum()).ToArray();
    }
}
