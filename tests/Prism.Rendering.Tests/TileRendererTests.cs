using Prism.Gdal;
using Prism.Maps;
using Prism.Maps.Rendering;
using static Prism.Tests.Rendering.RenderTestTools;

namespace Prism.Tests.Rendering;

public sealed class TileRendererTests(RenderFixture data) : IClassFixture<RenderFixture>
{
    public static TheoryData<string, int, double, double> ReferenceTiles => new()
    {
        // Partly covered tiles (swath edge and out-of-footprint area in the same tile) and one inside the swath.
        { "GoogleMapsCompatible", 5, 15, 44 },
        { "GoogleMapsCompatible", 7, 20, 40 },
        { "WGS84", 3, 15, 44 },
        { "WGS84", 6, 20, 40 },
    };

    [Theory]
    [MemberData(nameof(ReferenceTiles))]
    public void Meris_tile_equals_the_gdalwarp_reference(string tmsId, int z, double lon, double lat)
    {
        var tms = TileMatrixSet.Find(tmsId)!;
        var spec = Spec(tms.Crs, TileContaining(tms, z, lon, lat), Rgb, data.Meris);
        var image = TileRenderer.Render(spec);
        Assert.Equal("image/png", image.ContentType);
        var png = Decode(image.Data, ".png");
        var reference = Read(GdalwarpReference(data.Meris, spec, data.NewPath(".tif")));
        Assert.Equal(4, reference.Bands);
        Assert.Equal((256, 256), (png.Width, png.Height));

        var refAlpha = reference.Band(4);
        var alpha = png.Alpha;
        int opaque = 0, transparent = 0;
        for (var i = 0; i < 256 * 256; i++)
        {
            if (refAlpha[i] == 0)
            {
                Assert.Equal(0, alpha[i]);
                transparent++;
                continue;
            }
            opaque++;
            Assert.Equal(255, alpha[i]);
            for (var b = 1; b <= 3; b++)
                Assert.True(png.Band(b)[i] == reference.Band(b)[i], $"pixel {i % 256},{i / 256} band {b}: {png.Band(b)[i]} != {reference.Band(b)[i]}");
        }
        Assert.True(opaque > 0, "the tile must show some of the product");
    }

    [Fact]
    public void Meris_black_outside_the_swath_is_transparent()
    {
        // One output pixel per source pixel over the whole product: every black (nodata 0) source pixel must be transparent.
        var info = RasterInfo.Read(data.Meris);
        var gt = info.GeoTransform!;
        double[] extent = [gt[0], gt[3] + gt[5] * info.Height, gt[0] + gt[1] * info.Width, gt[3]];
        var spec = Spec("EPSG:4326", extent, Rgb, data.Meris) with { Width = info.Width, Height = info.Height };
        var png = Decode(TileRenderer.Render(spec).Data, ".png");
        var source = Read(data.Meris);
        var black = 0;
        for (var i = 0; i < info.Width * info.Height; i++)
        {
            if (source.Band(1)[i] == 0 && source.Band(2)[i] == 0 && source.Band(3)[i] == 0)
            {
                black++;
                Assert.Equal(0, png.Alpha[i]);
            }
        }
        Assert.True(black > 1000, $"the sample has black borders ({black})");
        Assert.Contains(png.Alpha, a => a == 255);
    }

    [Fact]
    public void World_tile_is_fully_opaque()
    {
        var spec = Spec("EPSG:3857", TileContaining(TileMatrixSet.GoogleMapsCompatible, 0, 0, 0), Rgb, data.World);
        var png = Decode(TileRenderer.Render(spec).Data, ".png");
        Assert.Equal(3, png.Bands); // opaque PNG is written as RGB
        var spec4326 = Spec("EPSG:4326", TileContaining(TileMatrixSet.WGS84, 0, -90, 0), Rgb, data.World);
        Assert.Equal(3, Decode(TileRenderer.Render(spec4326).Data, ".png").Bands);
    }

    [Fact]
    public void Asar_uint16_grey_percentile_style_is_a_sensible_grey_image()
    {
        var info = RasterInfo.Read(data.Asar);
        Assert.Equal("UInt16", info.Bands[0].DataType);
        var gt = info.GeoTransform!;
        double[] bounds = [gt[0], gt[3] + gt[5] * info.Height, gt[0] + gt[1] * info.Width, gt[3]];
        var pad = (bounds[2] - bounds[0]) * 0.1;
        double[] extent = [bounds[0] - pad, bounds[1] - pad, bounds[2] + pad, bounds[3] + pad];
        var png = Decode(TileRenderer.Render(Spec("EPSG:4326", extent, Grey, data.Asar)).Data, ".png");
        Assert.Equal(4, png.Bands);
        var grey = Enumerable.Range(0, 256 * 256).Where(i => png.Alpha[i] == 255).Select(i => (double)png.Band(1)[i]).ToArray();
        Assert.True(grey.Length > 256 * 256 / 4, "most of the swath is drawn");
        Assert.True(png.Alpha.Count(a => a == 0) > 256 * 10, "outside the swath is transparent");
        var mean = grey.Average();
        var sd = Math.Sqrt(grey.Select(g => (g - mean) * (g - mean)).Average());
        Assert.InRange(mean, 30, 225);
        Assert.True(sd > 10, $"grey spread {sd:F1}");
        Assert.True(grey.Count(g => g == 0) < grey.Length / 10 && grey.Count(g => g == 255) < grey.Length / 10, "not saturated");
        // grey style: R = G = B
        Assert.All(Enumerable.Range(0, 256 * 256), i => Assert.True(png.Band(1)[i] == png.Band(2)[i] && png.Band(2)[i] == png.Band(3)[i]));
    }

    [Fact]
    public void Ramp_and_configured_range_colour_a_one_band_style()
    {
        var ramp = Grey with
        {
            Name = "RAMP",
            Ranges = [[0, 1]],
            Ramp = [new RampStop(0, "#0000ff"), new RampStop(1, "#ff0000")],
        };
        // Byte RGB product, band 1 with range 0..1: everything ≥ 1 saturates to the top colour.
        var spec = Spec("EPSG:4326", TileContaining(TileMatrixSet.WGS84, 3, 15, 44), ramp, data.Meris);
        var png = Decode(TileRenderer.Render(spec).Data, ".png");
        var drawn = Enumerable.Range(0, 256 * 256).Where(i => png.Alpha[i] == 255).ToArray();
        Assert.NotEmpty(drawn);
        Assert.All(drawn, i => Assert.True(png.Band(3)[i] == 0 && png.Band(1)[i] == 255 || png.Band(1)[i] == 0 && png.Band(3)[i] == 255));
    }

    [Fact]
    public void Style_nodata_is_transparent()
    {
        var style = Rgb with { NoData = 255 };
        var spec = Spec("EPSG:4326", TileContaining(TileMatrixSet.WGS84, 0, -90, 0), style, data.World);
        var plain = Decode(TileRenderer.Render(spec with { Style = Rgb }).Data, ".png");
        var masked = Decode(TileRenderer.Render(spec).Data, ".png");
        var white = Enumerable.Range(0, 256 * 256).Where(i => plain.Band(1)[i] == 255 && plain.Band(2)[i] == 255 && plain.Band(3)[i] == 255).ToArray();
        Assert.All(white, i => Assert.Equal(0, masked.Alpha[i]));
        Assert.Equal(256 * 256 - white.Length, masked.Alpha.Count(a => a == 255));
    }

    [Fact]
    public void The_top_source_wins_where_it_has_data()
    {
        var extent = TileContaining(TileMatrixSet.WGS84, 3, 15, 44);
        var world = Decode(TileRenderer.Render(Spec("EPSG:4326", extent, Rgb, data.World)).Data, ".png");
        var meris = Decode(TileRenderer.Render(Spec("EPSG:4326", extent, Rgb, data.Meris)).Data, ".png");
        var stacked = Decode(TileRenderer.Render(Spec("EPSG:4326", extent, Rgb, data.World, data.Meris)).Data, ".png");
        var reversed = Decode(TileRenderer.Render(Spec("EPSG:4326", extent, Rgb, data.Meris, data.World)).Data, ".png");
        var fromMeris = 0;
        for (var i = 0; i < 256 * 256; i++)
        {
            var top = meris.Alpha[i] == 255 ? meris : world;
            if (top == meris) fromMeris++;
            for (var b = 1; b <= 3; b++)
            {
                Assert.Equal(top.Band(b)[i], stacked.Band(b)[i]);
                Assert.Equal(world.Band(b)[i], reversed.Band(b)[i]);
            }
        }
        Assert.InRange(fromMeris, 1, 256 * 256 - 1);

        // Two MERIS passes: the later one (top) wins where both have data.
        var both = Decode(TileRenderer.Render(Spec("EPSG:4326", extent, Rgb, data.Meris, data.Meris2)).Data, ".png");
        var second = Decode(TileRenderer.Render(Spec("EPSG:4326", extent, Rgb, data.Meris2)).Data, ".png");
        for (var i = 0; i < 256 * 256; i++)
        {
            var top = second.Alpha[i] == 255 ? second : meris;
            Assert.Equal(top.Alpha[i], both.Alpha[i]);
            if (top.Alpha[i] == 255) Assert.Equal(top.Band(2)[i], both.Band(2)[i]);
        }
    }

    [Fact]
    public void Jpeg_has_no_alpha_and_the_background_where_empty()
    {
        var extent = TileContaining(TileMatrixSet.WGS84, 3, 15, 44);
        var spec = Spec("EPSG:4326", extent, Rgb, data.Meris) with { Format = ImageFormat.Jpeg, Background = 0x336699 };
        var image = TileRenderer.Render(spec);
        Assert.Equal("image/jpeg", image.ContentType);
        var jpeg = Decode(image.Data, ".jpg");
        Assert.Equal(3, jpeg.Bands);
        var meris = Decode(TileRenderer.Render(spec with { Format = ImageFormat.Png }).Data, ".png");
        var empty = Enumerable.Range(0, 256 * 256).Where(i => meris.Alpha[i] == 0 && i % 256 < 64).ToArray(); // west part: far from edges
        Assert.NotEmpty(empty);
        Assert.All(empty, i =>
        {
            Assert.InRange(jpeg.Band(1)[i], 0x33 - 3, 0x33 + 3);
            Assert.InRange(jpeg.Band(2)[i], 0x66 - 3, 0x66 + 3);
            Assert.InRange(jpeg.Band(3)[i], 0x99 - 3, 0x99 + 3);
        });

        // Nothing to draw: a JPEG of the background, the right size.
        var blank = Decode(TileRenderer.Render(spec with { Sources = [], Width = 100, Height = 50 }).Data, ".jpg");
        Assert.Equal((100, 50, 3), (blank.Width, blank.Height, blank.Bands));
        Assert.All(blank.Band(1), v => Assert.InRange(v, 0x33 - 2, 0x33 + 2));
    }

    [Fact]
    public void Png_is_transparent_or_flattened_on_the_background()
    {
        var extent = TileContaining(TileMatrixSet.WGS84, 3, 15, 44);
        var spec = Spec("EPSG:4326", extent, Rgb, data.Meris);
        var transparent = Decode(TileRenderer.Render(spec).Data, ".png");
        Assert.Equal(4, transparent.Bands);
        var opaque = Decode(TileRenderer.Render(spec with { Transparent = false, Background = 0x102030 }).Data, ".png");
        Assert.Equal(3, opaque.Bands);
        for (var i = 0; i < 256 * 256; i++)
        {
            if (transparent.Alpha[i] == 0) Assert.Equal((0x10, 0x20, 0x30), (opaque.Band(1)[i], opaque.Band(2)[i], opaque.Band(3)[i]));
            else Assert.Equal(transparent.Band(1)[i], opaque.Band(1)[i]);
        }

        // Empty render: cached, fully transparent, the right size.
        var a = TileRenderer.Render(spec with { Sources = [], Width = 300, Height = 200 });
        var b = TileRenderer.Render(spec with { Sources = [], Width = 300, Height = 200 });
        Assert.Same(a, b);
        var blank = Decode(a.Data, ".png");
        Assert.Equal((300, 200, 4), (blank.Width, blank.Height, blank.Bands));
        Assert.All(blank.Alpha, v => Assert.Equal(0, v));

        // A source that does not intersect gives the same empty image.
        var far = TileRenderer.Render(spec with { Extent = [-120, -40, -100, -20], Width = 300, Height = 200 });
        Assert.Equal(a.ETag, far.ETag);
    }

    [Fact]
    public void ETag_is_a_quoted_hash_of_the_bytes()
    {
        var spec = Spec("EPSG:4326", TileContaining(TileMatrixSet.WGS84, 3, 15, 44), Rgb, data.Meris);
        var a = TileRenderer.Render(spec);
        var b = TileRenderer.Render(spec);
        Assert.Equal(a.Data, b.Data);
        Assert.Equal(a.ETag, b.ETag);
        Assert.Matches("^\"[0-9a-f]{16}\"$", a.ETag);
        Assert.NotEqual(a.ETag, TileRenderer.Render(spec with { Format = ImageFormat.Jpeg }).ETag);
    }

    [Fact]
    public void A_product_crossing_the_antimeridian_renders_on_both_sides()
    {
        // A 4326 raster spanning 170E..190E (GDAL allows longitudes past 180 in a geotransform).
        var crossing = data.NewPath(".tif");
        GdalUtils.Translate(data.World, crossing, ["-of", "COG", "-a_ullr", "170", "10", "190", "-10", "-outsize", "200", "200"]);
        foreach (var (crs, east, west) in new[]
        {
            ("EPSG:4326", new double[] { 170, -10, 180, 10 }, new double[] { -180, -10, -170, 10 }),
            ("EPSG:3857", Box(171, -9, 179, 9), Box(-179, -9, -171, 9)),
        })
        {
            foreach (var extent in new[] { east, west })
            {
                var png = Decode(TileRenderer.Render(Spec(crs, extent, Rgb, crossing)).Data, ".png");
                Assert.True(png.Bands == 3 || png.Alpha.All(a => a == 255), $"{crs} {string.Join(',', extent)} is fully drawn");
            }
        }

        static double[] Box(double w, double s, double e, double n)
        {
            var (x0, y0) = Mercator(w, s);
            var (x1, y1) = Mercator(e, n);
            return [x0, y0, x1, y1];
        }
    }

    [Fact]
    public void Concurrent_renders_equal_sequential_ones()
    {
        var specs = new List<RenderSpec>();
        foreach (var (col, row) in new[] { (16, 11), (17, 11), (17, 12), (18, 12), (16, 12), (18, 11), (17, 13), (18, 13) })
        {
            var (x0, y0, x1, y1) = TileMatrixSet.GoogleMapsCompatible.TileBounds(5, col, row);
            specs.Add(Spec("EPSG:3857", [x0, y0, x1, y1], Rgb, data.World, data.Meris) with { Format = row % 2 == 0 ? ImageFormat.Jpeg : ImageFormat.Png });
        }
        specs.Add(Spec("EPSG:4326", TileContaining(TileMatrixSet.WGS84, 4, 21.5, -33), Grey, data.Asar));
        var sequential = specs.Select(s => TileRenderer.Render(s).Data).ToArray();
        for (var round = 0; round < 3; round++)
        {
            var parallel = new byte[specs.Count][];
            Parallel.For(0, specs.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => parallel[i] = TileRenderer.Render(specs[i]).Data);
            for (var i = 0; i < specs.Count; i++) Assert.Equal(sequential[i], parallel[i]);
        }
    }

    [Fact]
    public void Bad_styles_and_extents_are_refused()
    {
        var spec = Spec("EPSG:4326", [0, 0, 10, 10], Rgb with { Bands = [1, 2] }, data.Meris);
        Assert.Throws<ArgumentException>(() => TileRenderer.Render(spec));
        Assert.Throws<ArgumentException>(() => TileRenderer.Render(spec with { Style = Rgb with { Bands = [1, 2, 9] } }));
        Assert.Throws<ArgumentException>(() => TileRenderer.Render(spec with { Extent = [10, 0, 0, 10] }));
    }
}
