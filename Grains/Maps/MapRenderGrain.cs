using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using Prism.Ingestion;

namespace Prism.Maps;

/// <inheritdoc cref="IMapRenderGrain"/>
[StatelessWorker]
public sealed class MapRenderGrain(IMapRenderer renderer, GdalWorkPool pool, IOptions<MapsOptions> options) : Grain, IMapRenderGrain
{
    public Task<EncodedImage> RenderAsync(MapRenderRequest request)
    {
        var max = options.Value.MaxMapSize;
        if (request.Width < 1 || request.Height < 1 || request.Width > max || request.Height > max)
            throw new ArgumentOutOfRangeException(nameof(request), $"map size must be 1–{max} pixels");
        return pool.RunAsync(() => Render(request));
    }

    private EncodedImage Render(MapRenderRequest map)
    {
        var (w, h) = (map.Width, map.Height);
        if (map.Parts.Count == 1 && map.Parts[0].Raster is { } only)
            return renderer.Render(Fit(only, map), CancellationToken.None);
        // Outlines or several layers: RGBA of each part, composited bottom first ("over"), then encoded once.
        byte[]? canvas = null;
        foreach (var part in map.Parts)
        {
            var pixels = part.Raster is { } raster
                ? renderer.RenderRgba(Fit(raster, map), CancellationToken.None)
                : renderer.RenderOutlinesRgba(part.Outlines ?? [], map.Crs, map.Extent, w, h, part.OutlineColor);
            if (pixels is null) continue;
            if (canvas is null) canvas = pixels;
            else Over(canvas, pixels);
        }
        return renderer.Encode(canvas ?? new byte[w * h * 4], w, h, map.Format, map.Transparent, map.Background);
    }

    private static RenderSpec Fit(RenderSpec raster, MapRenderRequest map) => raster with
    {
        Crs = map.Crs, Extent = map.Extent, Width = map.Width, Height = map.Height,
        Format = map.Format, Transparent = map.Transparent, Background = map.Background,
    };

    /// <summary>Straight-alpha "source over destination", in place in <paramref name="dst"/>.</summary>
    internal static void Over(byte[] dst, byte[] src)
    {
        for (var i = 0; i < dst.Length; i += 4)
        {
            int sa = src[i + 3];
            if (sa == 0) continue;
            if (sa == 255) { Buffer.BlockCopy(src, i, dst, i, 4); continue; }
            int da = dst[i + 3];
            var outA = sa + da * (255 - sa) / 255;
            if (outA == 0) continue;
            for (var c = 0; c < 3; c++)
                dst[i + c] = (byte)((src[i + c] * sa + dst[i + c] * da * (255 - sa) / 255) / outA);
            dst[i + 3] = (byte)outA;
        }
    }
}
