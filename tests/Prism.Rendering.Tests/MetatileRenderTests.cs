using Prism.Gdal;
using Prism.Maps;
using Prism.Maps.Rendering;
using Xunit.Abstractions;
using static Prism.Tests.Rendering.RenderTestTools;

namespace Prism.Tests.Rendering;

/// <summary>
/// Tiles cut from a metatile rendered in one warp against single-tile renders of the same specs, and the pooled
/// renderer against the plain one. The figures are printed (<c>--logger "console;verbosity=detailed"</c>).
/// </summary>
public sealed class MetatileRenderTests(RenderFixture data, ITestOutputHelper output) : IClassFixture<RenderFixture>
{
    public static TheoryData<string, int> Blocks => new()
    {
        { "GoogleMapsCompatible", 6 },
        { "GoogleMapsCompatible", 8 },
        { "GoogleMapsCompatible", 10 }, // ≈120 m pixels over a 300 m product: oversampled, as seeding's highest zooms
        { "WGS84", 5 },
        { "WGS84", 7 },
        { "WGS84", 9 },
    };

    private static RenderSpec TileSpec(TileMatrixSet tms, int z, int col, int row, string cog)
    {
        var (x0, y0, x1, y1) = tms.TileBounds(z, col, row);
        return Spec(tms.Crs, [x0, y0, x1, y1], Rgb, cog);
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void Tiles_cut_from_a_one_warp_metatile_match_single_renders_but_for_a_few_nearest_picks(string tmsId, int z)
    {
        var tms = TileMatrixSet.Find(tmsId)!;
        // The aligned 4×4 block holding the MERIS swath near 20°E 40°N: covered, partly covered and empty tiles.
        var (x, y) = tms.Epsg == 3857 ? Mercator(20, 40) : (20, 40);
        var (col, row, _, _) = tms.TileRange(z, x, y, x, y);
        var (c0, r0) = (col / 4 * 4, row / 4 * 4);
        var first = TileSpec(tms, z, c0, r0, data.Meris);
        var last = TileSpec(tms, z, c0 + 3, r0 + 3, data.Meris);
        var metatile = first with { Extent = [first.Extent[0], last.Extent[1], last.Extent[2], first.Extent[3]], Width = 1024, Height = 1024 };
        var wanted = Enumerable.Range(0, 16).Select(i => i != 5).ToArray(); // tile (1,1) is not wanted: not encoded
        var cut = TileRenderer.RenderMetatile(metatile, 4, 4, wanted);
        Assert.Null(cut[5]);

        long differing = 0, total = 0, drawn = 0;
        var maxDn = 0;
        for (var j = 0; j < 4; j++)
        for (var i = 0; i < 4; i++)
        {
            if (!wanted[j * 4 + i]) continue;
            var single = TileRenderer.Render(TileSpec(tms, z, c0 + i, r0 + j, data.Meris));
            var tile = cut[j * 4 + i]!;
            Assert.Equal(single.ContentType, tile.ContentType);
            if (single.Data.AsSpan().SequenceEqual(tile.Data))
            {
                total += 256 * 256;
                drawn += Decode(tile.Data, ".png").Alpha.Count(a => a != 0);
                continue;
            }
            var a = Decode(single.Data, ".png");
            var b = Decode(tile.Data, ".png");
            // Coverage (alpha) is the same; colours differ only where the approximate transformer picked a neighbour.
            Assert.Equal(a.Alpha, b.Alpha);
            for (var p = 0; p < 256 * 256; p++)
            {
                total++;
                if (a.Alpha[p] == 0) continue;
                drawn++;
                var d = Enumerable.Range(1, 3).Max(k => Math.Abs(a.Band(k)[p] - b.Band(k)[p]));
                if (d == 0) continue;
                differing++;
                maxDn = Math.Max(maxDn, d);
            }
        }
        output.WriteLine($"{tmsId} z{z} block {c0},{r0}: {differing} of {drawn} drawn pixels differ (max {maxDn} DN) of {total}");
        Assert.True(drawn > 0, "the block must show some of the product");
        // Documented bound (MapsOptions.SeedOneWarp): a small share of nearest picks, never coverage.
        Assert.True(differing <= drawn / 10, $"{differing} of {drawn} pixels differ");
    }

    [Fact]
    public void Empty_tiles_of_a_metatile_are_the_empty_image_of_a_single_render()
    {
        var tms = TileMatrixSet.WGS84;
        // Far from the MERIS swath (southern Pacific): nothing drawn anywhere.
        var first = TileSpec(tms, 4, 0, 12, data.Meris);
        var last = TileSpec(tms, 4, 1, 13, data.Meris);
        var metatile = first with { Extent = [first.Extent[0], last.Extent[1], last.Extent[2], first.Extent[3]], Width = 512, Height = 512 };
        var cut = TileRenderer.RenderMetatile(metatile, 2, 2);
        var single = TileRenderer.Render(first);
        Assert.All(cut, t => Assert.Equal(single.Data, t!.Data));
        Assert.Throws<ArgumentException>(() => TileRenderer.RenderMetatile(metatile with { Width = 511 }, 2, 2));
    }

    [Fact]
    public void The_pooled_renderer_gives_the_same_bytes_and_reuses_handles()
    {
        using var renderer = new GdalMapRenderer();
        var tms = TileMatrixSet.GoogleMapsCompatible;
        var (x, y) = Mercator(20, 40);
        var (col, row, _, _) = tms.TileRange(7, x, y, x, y);
        for (var i = 0; i < 3; i++)
        {
            var spec = TileSpec(tms, 7, col + i, row, data.Meris);
            Assert.Equal(TileRenderer.Render(spec).Data, renderer.Render(spec, CancellationToken.None).Data);
            var grey = Spec(tms.Crs, spec.Extent, Grey, data.Asar);
            Assert.Equal(TileRenderer.Render(grey).Data, renderer.Render(grey, CancellationToken.None).Data);
        }
        Assert.True(renderer.Datasets.Reused >= 4, $"reused {renderer.Datasets.Reused}, opened {renderer.Datasets.Opened}");
        Assert.True(renderer.RendersMetatiles);
        Assert.Equal(TileRenderer.Render(TileSpec(tms, 7, col, row, data.Meris)).Data,
            renderer.RenderMetatile(TileSpec(tms, 7, col, row, data.Meris), 1, 1, null, CancellationToken.None)[0]!.Data);
    }
}
