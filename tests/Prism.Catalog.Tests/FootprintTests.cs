using System.Globalization;
using Npgsql;
using Prism.Catalog;

namespace Prism.Tests.Catalog;

public sealed class FootprintTests
{
    private const string Holed =
        "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0),(4 4,6 4,6 6,4 6,4 4)),((20 20,21 20,21 21,20 20)))";

    [Fact]
    public void Parses_polygon_and_multipolygon_wkt()
    {
        var polygon = Footprint.Parse(" polygon ( (0 0, 1 0, 1 1, 0 0) ) ");
        Assert.Single(polygon.Polygons);
        Assert.Equal([0d, 1, 1, 0], polygon.Polygons[0][0].X);
        Assert.Equal("MULTIPOLYGON(((0 0,1 0,1 1,0 0)))", polygon.ToWkt());

        var multi = Footprint.Parse(Holed);
        Assert.Equal(2, multi.Polygons.Count);
        Assert.Equal(2, multi.Polygons[0].Count);
        Assert.Equal(new GeoBox(0, 0, 21, 21), multi.Box);
        Assert.Equal([new GeoBox(0, 0, 10, 10), new GeoBox(20, 20, 21, 21)], multi.PartBoxes);
        Assert.Equal(Holed, Footprint.Parse(multi.ToWkt()).ToWkt());

        var precise = Footprint.Parse("SRID=4326;MULTIPOLYGON(((14.322575965570632 46.21655811716183,1e-3 -2.5E+1,3 3,14.322575965570632 46.21655811716183)))");
        Assert.Equal(14.322575965570632, precise.Polygons[0][0].X[0]);
        Assert.Equal(-25, precise.Polygons[0][0].Y[1]);
        Assert.Equal(0.001, precise.Polygons[0][0].X[1]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("POINT(1 2)")]
    [InlineData("POLYGON EMPTY")]
    [InlineData("POLYGON Z((0 0 0,1 0 0,1 1 0,0 0 0))")]
    [InlineData("POLYGON((0 0 0,1 0 0,1 1 0,0 0 0))")]
    [InlineData("POLYGON((0 0,1 0,1 1,0 1))")]
    [InlineData("POLYGON((0 0,1 0,0 0))")]
    [InlineData("POLYGON((0 0,1 0,1 1,0 0)")]
    [InlineData("POLYGON((0 0,1 0,1 1,0 0)) trailing")]
    [InlineData("POLYGON((0 0,1 x,1 1,0 0))")]
    [InlineData("POLYGON((0 0,1 NaN,1 1,0 0))")]
    [InlineData("SRID=3857;POLYGON((0 0,1 0,1 1,0 0))")]
    public void Rejects_invalid_wkt(string wkt)
    {
        Assert.Throws<FormatException>(() => Footprint.Parse(wkt));
        Assert.False(Footprint.TryParse(wkt, out _));
    }

    [Theory]
    [InlineData(1, 1, 2, 2, true)]        // inside the shell
    [InlineData(4.5, 4.5, 5.5, 5.5, false)] // inside the hole
    [InlineData(3, 3, 7, 7, true)]        // covers the hole
    [InlineData(6, 4, 7, 5, true)]        // in the shell, touching the hole's edge
    [InlineData(4.5, 4.5, 6, 5, true)]    // in the hole, touching its edge (the boundary belongs to the polygon)
    [InlineData(-5, -5, 30, 30, true)]    // contains everything
    [InlineData(10, 2, 12, 3, true)]      // touches the shell's edge
    [InlineData(10.0001, 2, 12, 3, false)]
    [InlineData(-2, -2, 0, 0, true)]      // touches a corner
    [InlineData(20.6, 20.1, 20.9, 20.4, true)] // inside the triangle
    [InlineData(20.1, 20.6, 20.4, 20.9, false)] // in the triangle's box, outside it
    [InlineData(15, 15, 16, 16, false)]
    public void Box_intersection_follows_closed_polygon_semantics(double x0, double y0, double x1, double y1, bool expected)
    {
        Assert.Equal(expected, Footprint.Parse(Holed).Intersects(new GeoBox(x0, y0, x1, y1)));
    }

    [Fact]
    public void Query_bbox_crossing_the_antimeridian_is_split()
    {
        Assert.Equal([new GeoBox(170, -10, 180, 10), new GeoBox(-180, -10, -170, 10)], GeoBox.FromQueryBbox([170, -10, -170, 10]));
        Assert.Equal([new GeoBox(-10, -10, 10, 10)], GeoBox.FromQueryBbox([-10, -10, 10, 10]));
        Assert.Throws<ArgumentException>(() => GeoBox.FromQueryBbox([0, 10, 1, 0]));
        Assert.Throws<ArgumentException>(() => GeoBox.FromQueryBbox([0, 1, 2]));
    }

    /// <summary>The C# test agrees with PostGIS's ST_Intersects on real footprints and many random boxes.</summary>
    [Fact]
    public async Task Intersection_agrees_with_postgis_st_intersects()
    {
        var footprints = MerisSamples.All.Select(s => s.FootprintWkt)
            .Append(Holed)
            .Append("MULTIPOLYGON(((176.5 -21.8,180 -21.2,180 -14.4,177.9 -14.8,176.5 -21.8)),((-180 -21.2,-178.2 -20.9,-176.8 -14.0,-180 -14.4,-180 -21.2)))")
            .ToList();
        var random = new Random(20060816);
        var wkts = new List<string>();
        var boxes = new List<GeoBox>();
        foreach (var wkt in footprints)
        {
            var env = Footprint.Parse(wkt).Box;
            double w = env.MaxX - env.MinX, h = env.MaxY - env.MinY;
            for (var i = 0; i < 400; i++)
            {
                var x0 = env.MinX - 0.2 * w + random.NextDouble() * 1.4 * w;
                var y0 = env.MinY - 0.2 * h + random.NextDouble() * 1.4 * h;
                var size = random.NextDouble() * (i % 4 == 0 ? 0.5 : 0.05);
                wkts.Add(wkt);
                boxes.Add(new GeoBox(x0, y0, x0 + size * w, y0 + size * h));
            }
            // Boxes sharing exact coordinates with the footprint's vertices (touching cases).
            foreach (var ring in Footprint.Parse(wkt).Polygons.SelectMany(p => p))
            {
                for (var i = 0; i < ring.X.Length; i += 3)
                {
                    wkts.Add(wkt);
                    boxes.Add(new GeoBox(ring.X[i], ring.Y[i], ring.X[i] + 1, ring.Y[i] + 1));
                    wkts.Add(wkt);
                    boxes.Add(new GeoBox(ring.X[i] - 1, ring.Y[i] - 1, ring.X[i], ring.Y[i]));
                }
            }
        }

        await using var db = await PostgresTestDatabase.CreateAsync();
        await using (var ext = db.DataSource.CreateCommand("CREATE EXTENSION IF NOT EXISTS postgis"))
            await ext.ExecuteNonQueryAsync();
        await using var cmd = db.DataSource.CreateCommand("""
            SELECT ST_Intersects(ST_GeomFromText(w, 4326), ST_MakeEnvelope(x0, y0, x1, y1, 4326))
            FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::float8[]) WITH ORDINALITY
                 AS t(w, x0, y0, x1, y1, n)
            ORDER BY n
            """);
        cmd.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = wkts.ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = boxes.Select(b => b.MinX).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = boxes.Select(b => b.MinY).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = boxes.Select(b => b.MaxX).ToArray() });
        cmd.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = boxes.Select(b => b.MaxY).ToArray() });
        var expected = new List<bool>();
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) expected.Add(r.GetBoolean(0));

        Assert.Equal(boxes.Count, expected.Count);
        var hits = 0;
        for (var i = 0; i < boxes.Count; i++)
        {
            var actual = Footprint.Parse(wkts[i]).Intersects(boxes[i]);
            Assert.True(expected[i] == actual,
                string.Create(CultureInfo.InvariantCulture, $"box {boxes[i]} vs {wkts[i][..40]}…: PostGIS {expected[i]}, C# {actual}"));
            if (actual) hits++;
        }
        // The sample mixes hits and misses.
        Assert.InRange(hits, boxes.Count / 10, boxes.Count * 9 / 10);
    }
}
