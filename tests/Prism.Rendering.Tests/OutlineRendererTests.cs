using Prism.Maps;
using Prism.Maps.Rendering;
using static Prism.Tests.Rendering.RenderTestTools;

namespace Prism.Tests.Rendering;

public sealed class OutlineRendererTests
{
    private static bool Set(Pixels p, int x, int y) => p.Alpha[y * p.Width + x] == 255 && p.Band(1)[y * p.Width + x] == 255;

    [Fact]
    public void Edges_are_drawn_opaque_and_the_interior_lightly_filled_in_EPSG_4326()
    {
        // Extent 0..100 x 0..100 on 100 px: one degree per pixel; the square 20..80 has its edges at pixels 20 and 80.
        var image = OutlineRenderer.Render(["MULTIPOLYGON(((20.5 20.5,80.5 20.5,80.5 80.5,20.5 80.5,20.5 20.5)))"], "EPSG:4326",
            [0, 0, 100, 100], 100, 100, ImageFormat.Png);
        var p = Decode(image.Data, ".png");
        Assert.Equal(4, p.Bands);
        for (var i = 21; i <= 79; i++)
        {
            Assert.True(Set(p, i, 100 - 81), $"top edge at x={i}");   // lat 80.5 → row 19
            Assert.True(Set(p, i, 100 - 21), $"bottom edge at x={i}"); // lat 20.5 → row 79
            Assert.True(Set(p, 20, i), $"left edge at y={i}");
            Assert.True(Set(p, 80, i), $"right edge at y={i}");
        }
        for (var y = 20; y < 79; y++)
            for (var x = 21; x < 80; x++)
                Assert.Equal(255 / 4, p.Alpha[y * 100 + x]);
        Assert.Equal(0, p.Alpha[0]);
        Assert.Equal(60 * 4, p.Alpha.Count(a => a == 255));
        Assert.Equal(60 * 4 + 59 * 59, p.Alpha.Count(a => a != 0));
        Assert.Equal(0, p.Band(2)[19 * 100 + 50]); // red 0xFF0000FF
    }

    [Fact]
    public void Mercator_outlines_follow_the_spherical_mercator_formula()
    {
        var (x0, y0) = Mercator(-10, -10);
        var (x1, y1) = Mercator(10, 60);
        double[] extent = [x0, y0, x1, y1];
        var p = Decode(OutlineRenderer.Render(["POLYGON((-5 0,5 0,5 50,-5 50,-5 0))"], "EPSG:3857", extent, 200, 200, ImageFormat.Png).Data, ".png");
        int Row(double lat) => (int)Math.Floor((y1 - Mercator(0, lat).Y) / (y1 - y0) * 200);
        Assert.True(Set(p, 100, Row(50)), "top edge");
        Assert.True(Set(p, 100, Row(0)), "bottom edge");
        Assert.True(Set(p, 50, Row(30)), "left edge");
        Assert.Equal(255 / 4, p.Alpha[Row(25) * 200 + 100]); // interior: light fill
        Assert.Equal(0, p.Alpha[Row(25) * 200 + 10]); // outside
        // Inside the polygon's latitude span, only the two vertical edges are opaque on a row.
        Assert.Equal(2, Enumerable.Range(0, 200).Count(x => p.Alpha[Row(30) * 200 + x] == 255));
    }

    [Fact]
    public void Antimeridian_footprints_are_drawn_on_both_sides()
    {
        // 170E → 170W (= 190E): a ring with a jump over 180°.
        var wkt = "MULTIPOLYGON(((170 -10,-170 -10,-170 10,170 10,170 -10)))";
        var east = Decode(OutlineRenderer.Render([wkt], "EPSG:4326", [160, -20, 180, 20], 100, 100, ImageFormat.Png).Data, ".png");
        var west = Decode(OutlineRenderer.Render([wkt], "EPSG:4326", [-180, -20, -160, 20], 100, 100, ImageFormat.Png).Data, ".png");
        Assert.True(Set(east, 50, 50), "west edge at 170E");     // (170 - 160) / 20 * 100 = 50
        Assert.True(Set(west, 50, 50), "east edge at 170W");
        Assert.True(Set(east, 75, 25), "top edge reaches 180");  // lat 10 → row 25
        Assert.True(Set(west, 25, 25), "top edge continues west of 180");
        // No line straight across the map between 170E and 170W.
        var world = Decode(OutlineRenderer.Render([wkt], "EPSG:4326", [-180, -90, 180, 90], 360, 180, ImageFormat.Png).Data, ".png");
        Assert.Equal(0, world.Alpha[80 * 360 + 180]);
    }

    [Fact]
    public void A_whole_world_footprint_is_not_taken_for_an_antimeridian_crossing()
    {
        var p = Decode(OutlineRenderer.Render(["MULTIPOLYGON(((-180 -90,180 -90,180 90,-180 90,-180 -90)))"], "EPSG:4326",
            [-180, -90, 180, 90], 360, 180, ImageFormat.Png).Data, ".png");
        Assert.Equal(255 / 4, p.Alpha[90 * 360 + 180]); // the centre of the globe is inside
        Assert.True(p.Alpha.Count(a => a != 0) > 360 * 170, "the whole globe is covered");
    }

    [Fact]
    public void Jpeg_outlines_are_on_white()
    {
        var p = Decode(OutlineRenderer.Render(["POLYGON((1 1,9 1,9 9,1 9,1 1))"], "EPSG:4326", [0, 0, 10, 10], 50, 50, ImageFormat.Jpeg).Data, ".jpg");
        Assert.Equal(3, p.Bands);
        Assert.True(p.Band(1)[1 * 50 + 1] > 225 && p.Band(2)[1 * 50 + 1] > 225, $"outside: white, not {p.Band(1)[51]},{p.Band(2)[51]}");
        Assert.True(p.Band(1)[25 * 50 + 25] > 250 && p.Band(2)[25 * 50 + 25] is > 150 and < 230, "inside: the light red fill on white");
    }
}
