using System.Diagnostics;
using Prism.Catalog;
using Prism.Storage;

namespace Prism.Tests.Maps;

/// <summary>Small real COGs made with GDAL's command-line tools, and catalog records pointing at them.</summary>
public static class MapsTestData
{
    public const string Collection = "MER_TEST";

    /// <summary>A 3-band Byte COG (EPSG:4326) covering the box, uniform colour, published under {id}/{id}.tif.</summary>
    public static async Task<ProductRecord> PublishAsync(IObjectStore output, string folder, string id, double west, double south,
        double east, double north, DateTimeOffset begin, TimeSpan? length = null, string collection = Collection, int width = 200, int height = 200)
    {
        var raw = Path.Combine(folder, $"{id}.raw.tif");
        var cog = Path.Combine(folder, $"{id}.tif");
        var c = inv(west, south, east, north);
        Run("gdal_create", "-of", "GTiff", "-outsize", $"{width}", $"{height}", "-bands", "3", "-ot", "Byte",
            "-burn", $"{40 + c % 200}", "-burn", "120", "-burn", "200", "-a_srs", "EPSG:4326",
            "-a_ullr", F(west), F(north), F(east), F(south), raw);
        Run("gdal_translate", "-q", "-of", "COG", "-co", "BLOCKSIZE=256", "-co", "COMPRESS=DEFLATE", raw, cog);
        var key = $"{id}/{id}.tif";
        await output.PutFileAsync(key, cog, "image/tiff");
        return new ProductRecord
        {
            Identifier = id,
            ProductType = "MER_FRS_1P",
            Collections = [collection],
            BeginTime = begin,
            EndTime = begin + (length ?? TimeSpan.FromMinutes(10)),
            FootprintWkt = $"MULTIPOLYGON((({F(west)} {F(south)},{F(east)} {F(south)},{F(east)} {F(north)},{F(west)} {F(north)},{F(west)} {F(south)})))",
            Prefix = $"{id}/",
            Coverages =
            [
                new CoverageRecord
                {
                    Identifier = id, Location = key, Width = width, Height = height, Crs = "EPSG:4326",
                    GeoTransform = [west, (east - west) / width, 0, north, 0, -(north - south) / height],
                    Bands = [new("red", "Byte", null), new("green", "Byte", null), new("blue", "Byte", null)],
                },
            ],
        };

        static int inv(double a, double b, double c, double d) => (int)Math.Abs(a * 7 + b * 3 + c + d) % 200;
    }

    private static string F(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);

    private static void Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        var err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed ({p.ExitCode}): {err}");
    }

    public static DateTimeOffset T(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Width and height from a PNG's IHDR.</summary>
    public static (int Width, int Height) PngSize(byte[] png)
    {
        Assert.True(png.Length > 24 && png[0] == 0x89 && png[1] == (byte)'P', "not a PNG");
        int Be(int o) => (png[o] << 24) | (png[o + 1] << 16) | (png[o + 2] << 8) | png[o + 3];
        return (Be(16), Be(20));
    }
}
