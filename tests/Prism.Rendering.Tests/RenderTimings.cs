using System.Diagnostics;
using Prism.Maps;
using Prism.Maps.Rendering;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;
using Xunit.Abstractions;
using static Prism.Tests.Rendering.RenderTestTools;

namespace Prism.Tests.Rendering;

/// <summary>
/// Prints per-tile render and encode times of a MERIS 256-px tile (no timing assertion: figures for the README and the
/// encoder choice). Run: <c>dotnet test --filter RenderTimings --logger "console;verbosity=detailed"</c>.
/// </summary>
public sealed class RenderTimings(RenderFixture data, ITestOutputHelper output) : IClassFixture<RenderFixture>
{
    [Fact]
    public void Meris_tile_render_and_encode_times()
    {
        const int n = 100;
        var spec = Spec("EPSG:3857", TileContaining(TileMatrixSet.GoogleMapsCompatible, 7, 20, 40), Rgb, data.Meris);
        var partial = Spec("EPSG:3857", TileContaining(TileMatrixSet.GoogleMapsCompatible, 5, 15, 44), Rgb, data.Meris);
        foreach (var (name, s) in new[] { ("full tile z7", spec), ("partial tile z5", partial) })
        {
            var rgba = TileRenderer.ComposeRgba(s)!;
            var compose = Time(n, () => TileRenderer.ComposeRgba(s));
            output.WriteLine($"{name}: warp+style+mosaic {compose:F2} ms");
            foreach (var level in new[] { 1, 6 })
            {
                var opts = new EncodeOptions { PngCompressionLevel = level };
                var bytes = ImageEncoder.Encode(rgba, 256, 256, ImageFormat.Png, opts).Data.Length;
                var ms = Time(n, () => ImageEncoder.Encode(rgba, 256, 256, ImageFormat.Png, opts));
                output.WriteLine($"  PNG level {level} (Sub filter): {ms:F2} ms, {bytes} bytes, {bytes / 1024.0 / ms:F1} KiB/ms");
                foreach (var filter in new[] { PngFilterMethod.Adaptive, PngFilterMethod.None })
                {
                    var encoder = new PngEncoder { CompressionLevel = (PngCompressionLevel)level, FilterMethod = filter, ColorType = PngColorType.RgbWithAlpha };
                    long size = 0;
                    var t = Time(n, () =>
                    {
                        using var img = Image.LoadPixelData<Rgba32>(rgba, 256, 256);
                        using var m = new MemoryStream();
                        img.Save(m, encoder);
                        size = m.Length;
                    });
                    output.WriteLine($"  PNG level {level} ({filter} filter): {t:F2} ms, {size} bytes");
                }
            }
            var jpeg = ImageEncoder.Encode(rgba, 256, 256, ImageFormat.Jpeg).Data.Length;
            output.WriteLine($"  JPEG q85: {Time(n, () => ImageEncoder.Encode(rgba, 256, 256, ImageFormat.Jpeg)):F2} ms, {jpeg} bytes");
            output.WriteLine($"  Render (PNG level 1, end to end): {Time(n, () => TileRenderer.Render(s)):F2} ms");
        }
        var asar = Spec("EPSG:4326", TileContaining(TileMatrixSet.WGS84, 4, 21.5, -33), Grey, data.Asar);
        output.WriteLine($"ASAR UInt16 grey percentile tile: {Time(n, () => TileRenderer.Render(asar)):F2} ms");
    }

    private static double Time(int n, Action action)
    {
        for (var i = 0; i < 3; i++) action();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < n; i++) action();
        return sw.Elapsed.TotalMilliseconds / n;
    }
}
