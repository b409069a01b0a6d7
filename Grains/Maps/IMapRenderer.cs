using Microsoft.Extensions.Options;
using Prism.Gdal;
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

    /// <summary>
    /// True when <see cref="RenderMetatile"/> renders a metatile in one warp (cheaper per tile than single renders):
    /// the seeder then seeds by metatiles; otherwise it asks the tile grains tile by tile.
    /// </summary>
    bool RendersMetatiles => false;

    /// <summary>
    /// The tiles of a metatile: <paramref name="metatile"/> covers <paramref name="columns"/> × <paramref name="rows"/>
    /// equal tiles; row-major, null where <paramref name="wanted"/> is false. The default renders each tile on its own.
    /// </summary>
    EncodedImage?[] RenderMetatile(RenderSpec metatile, int columns, int rows, IReadOnlyList<bool>? wanted, CancellationToken ct)
    {
        var (w, h) = ((metatile.Extent[2] - metatile.Extent[0]) / columns, (metatile.Extent[3] - metatile.Extent[1]) / rows);
        var tiles = new EncodedImage?[columns * rows];
        for (var j = 0; j < rows; j++)
        for (var i = 0; i < columns; i++)
        {
            if (wanted is not null && !wanted[j * columns + i]) continue;
            var e = metatile.Extent;
            tiles[j * columns + i] = Render(metatile with
            {
                Extent = [e[0] + i * w, e[3] - (j + 1) * h, e[0] + (i + 1) * w, e[3] - j * h],
                Width = metatile.Width / columns,
                Height = metatile.Height / rows,
            }, ct);
        }
        return tiles;
    }
}

/// <summary>
/// The GDAL renderer of <c>Grains/Maps/Rendering/</c>. Sources are read through a <see cref="GdalDatasetPool"/> of
/// <see cref="MapsOptions.DatasetPoolSize"/> idle handles (one thread per handle at a time): opening a COG per tile
/// would drop its decompressed blocks from GDAL's cache with every tile.
/// </summary>
public sealed class GdalMapRenderer : IMapRenderer, IDisposable
{
    private readonly GdalDatasetPool _datasets;

    public GdalMapRenderer() : this(Options.Create(new MapsOptions())) { }

    public GdalMapRenderer(IOptions<MapsOptions> options) => _datasets = new GdalDatasetPool(options.Value.DatasetPoolSize);

    /// <summary>The open-dataset pool (for diagnostics and tests).</summary>
    public GdalDatasetPool Datasets => _datasets;

    public EncodedImage Render(RenderSpec spec, CancellationToken ct) => TileRenderer.Render(spec, null, _datasets, ct);

    public byte[]? RenderRgba(RenderSpec spec, CancellationToken ct) => spec.Sources.Count == 0 ? null : TileRenderer.ComposeRgba(spec, _datasets, ct);

    public byte[] RenderOutlinesRgba(IReadOnlyList<string> footprintsWkt, string crs, double[] extent, int width, int height, uint rgba) =>
        OutlineRenderer.RenderRgba(footprintsWkt, crs, extent, width, height, rgba);

    public EncodedImage Encode(byte[] rgba, int width, int height, ImageFormat format, bool transparent, int background) =>
        ImageEncoder.Encode(rgba, width, height, format, new EncodeOptions { Transparent = transparent, Background = background });

    public bool RendersMetatiles => true;

    public EncodedImage?[] RenderMetatile(RenderSpec metatile, int columns, int rows, IReadOnlyList<bool>? wanted, CancellationToken ct) =>
        TileRenderer.RenderMetatile(metatile, columns, rows, wanted, null, _datasets, ct);

    public void Dispose() => _datasets.Dispose();
}
