using Prism.Maps.Rendering;

namespace Prism.Maps;

/// <summary>
/// The renderer seen by the map grains (the GDAL implementation is <see cref="TileRenderer"/> and
/// <see cref="OutlineRenderer"/> in <c>Grains/Maps/Rendering/</c>). Calls are synchronous, CPU-heavy and
/// thread-safe; grains run them on the <see cref="Prism.Ingestion.GdalWorkPool"/>.
/// </summary>
public interface IMapRenderer
{
    /// <summary>Renders one image of coverages (bottom first) in a style.</summary>
    EncodedImage Render(RenderSpec spec, CancellationToken ct);

    /// <summary>The styled RGBA pixels of a spec (straight alpha), or null when nothing is drawn.</summary>
    byte[]? RenderRgba(RenderSpec spec, CancellationToken ct);

    /// <summary>Footprint outlines (WKT, lon/lat) as RGBA pixels on a transparent canvas.</summary>
    byte[] RenderOutlinesRgba(IReadOnlyList<string> footprintsWkt, string crs, double[] extent, int width, int height, uint rgba);

    /// <summary>Encodes RGBA pixels (flattened on <paramref name="background"/> when not transparent or JPEG).</summary>
    EncodedImage Encode(byte[] rgba, int width, int height, ImageFormat format, bool transparent, int background);
}

/// <summary>The GDAL renderer of <c>Grains/Maps/Rendering/</c>.</summary>
public sealed class GdalMapRenderer : IMapRenderer
{
    public EncodedImage Render(RenderSpec spec, CancellationToken ct) => TileRenderer.Render(spec, ct);

    public byte[]? RenderRgba(RenderSpec spec, CancellationToken ct) => spec.Sources.Count == 0 ? null : TileRenderer.ComposeRgba(spec, ct);

    public byte[] RenderOutlinesRgba(IReadOnlyList<string> footprintsWkt, string crs, double[] extent, int width, int height, uint rgba) =>
        OutlineRenderer.RenderRgba(footprintsWkt, crs, extent, width, height, rgba);

    public EncodedImage Encode(byte[] rgba, int width, int height, ImageFormat format, bool transparent, int background) =>
        ImageEncoder.Encode(rgba, width, height, format, new EncodeOptions { Transparent = transparent, Background = background });
}
