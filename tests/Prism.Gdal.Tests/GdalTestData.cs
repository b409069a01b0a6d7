using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text.Json;

namespace Prism.Tests.Gdal;

/// <summary>The sample products and bad inputs unpacked once into a temp folder shared by a test class.</summary>
public sealed class GdalTestData : IDisposable
{
    public GdalTestData()
    {
        Root = TestEnvironment.TempFolder("gdal-data");
        foreach (var archive in Directory.GetFiles(TestEnvironment.Products))
            Unpack(archive, Path.Combine(Root, "products", Path.GetFileNameWithoutExtension(archive)));
        foreach (var name in new[] { "truncated-raster.tar", "not-a-raster.tar", "huge-dimensions.tar.gz" })
            Unpack(Path.Combine(TestEnvironment.BadInputs, name), Path.Combine(Root, "bad", name.Split('.')[0]));
    }

    public string Root { get; }

    /// <summary>The MERIS and WORLD rasters (geotransform + CRS, Byte RGB).</summary>
    public IReadOnlyList<string> GeoreferencedRasters => Rasters("products").Where(p => !Path.GetFileName(p).StartsWith("ASA_")).ToArray();
    public string Asar => Rasters("products").Single(p => Path.GetFileName(p).StartsWith("ASA_"));
    public string Meris => GeoreferencedRasters.First(p => Path.GetFileName(p).StartsWith("mosaic_ENVISAT-MER"));
    public string World => GeoreferencedRasters.Single(p => Path.GetFileName(p).StartsWith("WORLD"));
    public string Truncated => Rasters("bad").Single(p => p.Contains("TRUNC"));
    public string NotARaster => Rasters("bad").Single(p => p.Contains("NORASTER"));
    public string Huge => Rasters("bad").Single(p => p.Contains("HUGE"));

    private IEnumerable<string> Rasters(string sub) =>
        Directory.EnumerateFiles(Path.Combine(Root, sub), "*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".tif", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".tiff", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);

    private static void Unpack(string archive, string target)
    {
        Directory.CreateDirectory(target);
        if (archive.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            ZipFile.ExtractToDirectory(archive, target);
            return;
        }
        using var file = File.OpenRead(archive);
        using Stream stream = archive.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        TarFile.ExtractToDirectory(stream, target, overwriteFiles: true);
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Runs GDAL's command-line tools (independent of the binding under test).</summary>
public static class GdalCli
{
    public static string Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    /// <summary><c>gdalinfo -json -checksum</c> parsed.</summary>
    public static JsonElement Info(string path, bool checksum = true)
    {
        var json = checksum ? Run("gdalinfo", "-json", "-checksum", path) : Run("gdalinfo", "-json", path);
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    public static int[] Checksums(JsonElement info) =>
        info.GetProperty("bands").EnumerateArray().Select(b => b.GetProperty("checksum").GetInt32()).ToArray();

    public static string? ImageStructure(JsonElement info, string key) =>
        info.TryGetProperty("metadata", out var md) && md.TryGetProperty("IMAGE_STRUCTURE", out var s) && s.TryGetProperty(key, out var v)
            ? v.GetString()
            : null;

    public static int OverviewCount(JsonElement info) =>
        info.GetProperty("bands")[0].TryGetProperty("overviews", out var o) ? o.GetArrayLength() : 0;

    public static double[]? GeoTransform(JsonElement info) =>
        info.TryGetProperty("geoTransform", out var gt) ? gt.EnumerateArray().Select(e => e.GetDouble()).ToArray() : null;

    public static string? Wkt(JsonElement info) =>
        info.TryGetProperty("coordinateSystem", out var cs) && cs.TryGetProperty("wkt", out var w) ? w.GetString() : null;
}
