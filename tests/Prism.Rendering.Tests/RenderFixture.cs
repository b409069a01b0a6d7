using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using Prism.Gdal;
using Prism.Maps;

namespace Prism.Tests.Rendering;

/// <summary>
/// COGs of the sample products, converted once per test class with the project's <see cref="CogConverter"/> (as
/// ingestion does: 256-px blocks, nodata 0 for MERIS, ASAR warped from its GCPs) into a unique temp folder.
/// </summary>
public sealed class RenderFixture : IDisposable
{
    public string Folder { get; } = TestEnvironment.TempFolder("render");
    public string Meris { get; }
    public string Meris2 { get; }
    public string World { get; }
    public string Asar { get; }

    public RenderFixture()
    {
        Meris = Cog("MER_FRS_1P_RGB_20060816_090929.tar", ".tif", "meris.tif", noData: 0);
        Meris2 = Cog("MER_FRS_1P_RGB_20060822_092058.tar", ".tif", "meris2.tif", noData: 0);
        World = Cog("WORLD_RGB_20200101.zip", ".tif", "world.tif", noData: null);
        Asar = Cog("ASA_WSM_1P_20050331.tar.gz", ".tiff", "asar.tif", noData: null);
    }

    private string Cog(string package, string extension, string name, double? noData)
    {
        var unpacked = Path.Combine(Folder, Path.GetFileNameWithoutExtension(name));
        Directory.CreateDirectory(unpacked);
        var archive = Path.Combine(TestEnvironment.Products, package);
        if (package.EndsWith(".zip", StringComparison.Ordinal)) ZipFile.ExtractToDirectory(archive, unpacked);
        else
        {
            using var file = File.OpenRead(archive);
            using Stream stream = package.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
            TarFile.ExtractToDirectory(stream, unpacked, overwriteFiles: false);
        }
        var raster = Directory.EnumerateFiles(unpacked, "*" + extension, SearchOption.AllDirectories).Single();
        var cog = Path.Combine(Folder, name);
        CogConverter.Convert(new CogRequest { SourcePath = raster, DestinationPath = cog, BlockSize = 256, NoData = noData });
        return cog;
    }

    public string NewPath(string extension) => Path.Combine(Folder, $"{Guid.NewGuid():N}{extension}");

    public void Dispose()
    {
        try { Directory.Delete(Folder, recursive: true); }
        catch (IOException) { }
    }
}

/// <summary>Decoded pixels (GDAL decodes; ImageSharp never does): band-interleaved planes.</summary>
public sealed record Pixels(int Width, int Height, int Bands, byte[][] Planes)
{
    public byte[] Band(int oneBased) => Planes[oneBased - 1];

    /// <summary>Alpha plane: the 4th band, or all 255 for a 3-band image.</summary>
    public byte[] Alpha => Bands >= 4 ? Planes[3] : Enumerable.Repeat((byte)255, Width * Height).ToArray();
}

public static class RenderTestTools
{
    public static StyleDefinition Rgb { get; } = new() { Name = "default", Bands = [1, 2, 3] };
    public static StyleDefinition Grey { get; } = new() { Name = "GREY", Bands = [1] };

    /// <summary>Decodes image bytes with GDAL's PNG/JPEG driver through /vsimem/.</summary>
    public static Pixels Decode(byte[] bytes, string extension)
    {
        var path = VsiMem.UniquePath(extension);
        VsiMem.Write(path, bytes);
        try
        {
            using var ds = GdalDataset.Open(path);
            return Read(ds);
        }
        finally
        {
            VsiMem.Delete(path);
        }
    }

    public static Pixels Read(string path)
    {
        using var ds = GdalDataset.Open(path);
        return Read(ds);
    }

    private static Pixels Read(GdalDataset ds)
    {
        var planes = new byte[ds.BandCount][];
        for (var b = 1; b <= ds.BandCount; b++)
        {
            planes[b - 1] = new byte[ds.Width * ds.Height];
            ds.GetBand(b).Read<byte>(0, 0, ds.Width, ds.Height, planes[b - 1], ds.Width, ds.Height);
        }
        return new Pixels(ds.Width, ds.Height, ds.BandCount, planes);
    }

    /// <summary>Runs the <c>gdalwarp</c> program (not the library) with the renderer's warp arguments; returns the GeoTIFF.</summary>
    public static string GdalwarpReference(string cog, RenderSpec spec, string output)
    {
        var psi = new ProcessStartInfo("gdalwarp") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-q", "-overwrite", "-of", "GTiff" }.Concat(Maps.Rendering.TileRenderer.WarpArguments(spec)).Append(cog).Append(output))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"gdalwarp failed: {err}");
        return output;
    }

    /// <summary>Tile bounds of the tile containing (lon, lat) at <paramref name="z"/>.</summary>
    public static double[] TileContaining(TileMatrixSet tms, int z, double lon, double lat)
    {
        var (x, y) = tms.Epsg == 3857 ? Mercator(lon, lat) : (lon, lat);
        var (c, r, _, _) = tms.TileRange(z, x, y, x, y);
        var (minX, minY, maxX, maxY) = tms.TileBounds(z, c, r);
        return [minX, minY, maxX, maxY];
    }

    public static (double X, double Y) Mercator(double lon, double lat) =>
        (6378137.0 * lon * Math.PI / 180, 6378137.0 * Math.Log(Math.Tan(Math.PI / 4 + lat * Math.PI / 360)));

    public static RenderSpec Spec(string crs, double[] extent, StyleDefinition style, params string[] cogs) => new()
    {
        Crs = crs,
        Extent = extent,
        Width = 256,
        Height = 256,
        Sources = cogs.Select((c, i) => new RenderSource($"p{i}", c)).ToArray(),
        Style = style,
    };
}
