using System.Collections.Concurrent;
using System.Globalization;
using Prism.Gdal;

namespace Prism.Maps.Rendering;

/// <summary>
/// Renders a <see cref="RenderSpec"/> to an encoded image, TiTiler style, one small stage at a time:
/// <list type="number">
/// <item><b>warp</b> each source COG (local path or /vsis3/) with GDALWarp to exactly the spec's extent, size and CRS
/// (<c>-te -ts -t_srs -r near -dstalpha</c>) into a fresh in-memory dataset — the same call as a <c>gdalwarp</c>
/// reference, GDAL choosing the overview level as gdalwarp does; source no-data and masks become alpha 0;</item>
/// <item><b>style</b>: the style's bands rescaled to 0–255 (configured range; Byte 0–255; otherwise the 2–98 %
/// percentiles of <see cref="BandStatistics"/>), grey or colour ramp for one band, the style's NoData transparent;</item>
/// <item><b>mosaic</b>: top source first, every lower source only fills pixels still transparent, and reading stops
/// once every pixel is opaque — the same result as drawing bottom to top with "replace where alpha &gt; 0";</item>
/// <item><b>encode</b> with <see cref="ImageEncoder"/> (PNG: RGBA, RGB when opaque; JPEG q85 flattened on the background).</item>
/// </list>
/// Synchronous and CPU-bound: call it on a bounded pool. Thread-safe; a call opens its own GDAL handles or leases them
/// from a <see cref="GdalDatasetPool"/> (one handle per thread at a time).
/// Nothing to draw (no source, or no source pixel in the extent) gives a cached empty image of the right size.
/// </summary>
public static class TileRenderer
{
    private const int EmptyCacheCapacity = 64;
    private static readonly ConcurrentDictionary<(int W, int H, ImageFormat F, bool T, int Bg), EncodedImage> EmptyImages = new();

    /// <summary>Renders <paramref name="spec"/>. GDAL failures surface as <see cref="GdalException"/>.</summary>
    public static EncodedImage Render(RenderSpec spec, CancellationToken ct = default) => Render(spec, (EncodeOptions?)null, ct);

    /// <summary>Renders with explicit encoder settings (PNG level, JPEG quality); Transparent/Background come from the spec.</summary>
    public static EncodedImage Render(RenderSpec spec, EncodeOptions? encoding, CancellationToken ct = default) =>
        Render(spec, encoding, null, ct);

    /// <summary>Renders <paramref name="spec"/> reading the sources through <paramref name="datasets"/> (null: open each per call).</summary>
    public static EncodedImage Render(RenderSpec spec, EncodeOptions? encoding, GdalDatasetPool? datasets, CancellationToken ct = default)
    {
        Validate(spec);
        var options = Options(spec, encoding);
        if (spec.Sources.Count == 0) return Empty(spec, options);
        var rgba = ComposeRgba(spec, datasets, ct);
        if (rgba is null) return Empty(spec, options);
        ct.ThrowIfCancellationRequested();
        return ImageEncoder.Encode(rgba, spec.Width, spec.Height, spec.Format, options);
    }

    /// <summary>
    /// Renders a metatile: <paramref name="spec"/> covers <paramref name="columns"/> × <paramref name="rows"/> tiles of
    /// equal size (its width and height are multiples of them), warped once over the whole extent, then cut and encoded
    /// tile by tile (row-major; a tile without a drawn pixel is the same empty image a single render gives).
    /// <paramref name="wanted"/> (row-major, null = all) skips encoding tiles nobody stores; their entry is null.
    /// With GDAL's approximate transformer (error threshold 0.125 px, the gdalwarp default) a cut tile can pick a
    /// different nearest source pixel than a single-tile render on a few pixels; see the metatile tests.
    /// </summary>
    public static EncodedImage?[] RenderMetatile(RenderSpec spec, int columns, int rows, IReadOnlyList<bool>? wanted = null,
        EncodeOptions? encoding = null, GdalDatasetPool? datasets = null, CancellationToken ct = default)
    {
        Validate(spec);
        if (columns < 1 || rows < 1 || spec.Width % columns != 0 || spec.Height % rows != 0)
            throw new ArgumentException($"a {spec.Width}x{spec.Height} metatile cannot be cut into {columns}x{rows} tiles");
        if (wanted is not null && wanted.Count != columns * rows) throw new ArgumentException("one wanted flag per tile", nameof(wanted));
        var (tw, th) = (spec.Width / columns, spec.Height / rows);
        var tileSpec = spec with { Width = tw, Height = th };
        var options = Options(spec, encoding);
        var tiles = new EncodedImage?[columns * rows];
        var rgba = spec.Sources.Count == 0 ? null : ComposeRgba(spec, datasets, ct);
        var tile = rgba is null ? null : new byte[tw * th * 4];
        for (var j = 0; j < rows; j++)
        for (var i = 0; i < columns; i++)
        {
            var t = j * columns + i;
            if (wanted is not null && !wanted[t]) continue;
            ct.ThrowIfCancellationRequested();
            if (rgba is null || !Cut(rgba, spec.Width, i * tw, j * th, tw, th, tile!))
            {
                tiles[t] = Empty(tileSpec, options);
                continue;
            }
            tiles[t] = ImageEncoder.Encode(tile, tw, th, spec.Format, options);
        }
        return tiles;
    }

    /// <summary>Copies a tile out of the metatile's RGBA; false when none of its pixels is drawn (alpha 0 everywhere).</summary>
    private static bool Cut(byte[] rgba, int width, int x0, int y0, int tw, int th, byte[] tile)
    {
        var any = false;
        var row = tw * 4;
        for (var y = 0; y < th; y++)
        {
            var src = rgba.AsSpan(((y0 + y) * width + x0) * 4, row);
            var dst = tile.AsSpan(y * row, row);
            src.CopyTo(dst);
            if (!any)
                for (var a = 3; a < row; a += 4)
                    if (dst[a] != 0) { any = true; break; }
        }
        return any;
    }

    private static EncodeOptions Options(RenderSpec spec, EncodeOptions? encoding) =>
        (encoding ?? new EncodeOptions()) with { Transparent = spec.Transparent, Background = spec.Background };

    /// <summary>
    /// The styled, mosaicked RGBA pixels of <paramref name="spec"/> (width × height × 4, straight alpha), or null when no
    /// source has a pixel in the extent.
    /// </summary>
    public static byte[]? ComposeRgba(RenderSpec spec, CancellationToken ct = default) => ComposeRgba(spec, null, ct);

    /// <inheritdoc cref="ComposeRgba(RenderSpec, CancellationToken)"/>
    public static byte[]? ComposeRgba(RenderSpec spec, GdalDatasetPool? datasets, CancellationToken ct = default)
    {
        Validate(spec);
        var mosaic = new RgbaMosaic(spec.Width, spec.Height);
        for (var s = spec.Sources.Count - 1; s >= 0 && !mosaic.IsComplete; s--)
        {
            ct.ThrowIfCancellationRequested();
            DrawSource(spec, spec.Sources[s], mosaic, datasets, ct);
        }
        return mosaic.Covered == 0 ? null : mosaic.Pixels;
    }

    /// <summary>The gdalwarp arguments of one source: <c>-te -ts -t_srs -r near -dstalpha</c> (what a reference run uses too).</summary>
    public static IReadOnlyList<string> WarpArguments(RenderSpec spec)
    {
        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        var e = spec.Extent;
        return
        [
            "-te", F(e[0]), F(e[1]), F(e[2]), F(e[3]),
            "-ts", spec.Width.ToString(CultureInfo.InvariantCulture), spec.Height.ToString(CultureInfo.InvariantCulture),
            "-t_srs", spec.Crs,
            "-r", "near",
            "-dstalpha",
        ];
    }

    private static void DrawSource(RenderSpec spec, RenderSource renderSource, RgbaMosaic mosaic, GdalDatasetPool? datasets, CancellationToken ct)
    {
        if (datasets is null)
        {
            using var own = GdalDataset.Open(renderSource.GdalPath);
            DrawSource(spec, own, renderSource, mosaic, ct);
            return;
        }
        using var lease = datasets.Rent(renderSource.GdalPath, renderSource.CacheKey);
        try
        {
            DrawSource(spec, lease.Dataset, renderSource, mosaic, ct);
        }
        catch
        {
            lease.Discard();
            throw;
        }
    }

    private static void DrawSource(RenderSpec spec, GdalDataset source, RenderSource renderSource, RgbaMosaic mosaic, CancellationToken ct)
    {
        if (source.GcpCount > 0 && !source.TryGetGeoTransform(out _))
            throw new NotSupportedException($"'{renderSource.GdalPath}' is georeferenced by GCPs only; render sources must be COGs with a geotransform");
        var style = CompiledStyle.For(spec.Style, source, renderSource.CacheKey);
        using var warped = GdalUtils.WarpToMemory(source, WarpArguments(spec), ct);
        var plane = spec.Width * spec.Height;
        var alphaBand = warped.BandCount; // -dstalpha adds the alpha band last
        var alpha = new byte[plane];
        warped.GetBand(alphaBand).Read<byte>(0, 0, spec.Width, spec.Height, alpha, spec.Width, spec.Height);
        if (!mosaic.CanFillAny(alpha)) return;
        if (style.Bands.All(b => warped.GetBand(b).DataType == GdalDataType.Byte))
        {
            // Byte bands are read as they are (no float conversion); the style maps them through 256-entry tables
            // computed with the same arithmetic as the float path, so the pixels are identical.
            var bytes = new byte[plane * style.Bands.Length];
            warped.Read<byte>(0, 0, spec.Width, spec.Height, bytes, spec.Width, spec.Height, style.Bands);
            mosaic.Fill(alpha, bytes, plane, style);
            return;
        }
        var values = new float[plane * style.Bands.Length];
        warped.Read<float>(0, 0, spec.Width, spec.Height, values, spec.Width, spec.Height, style.Bands);
        mosaic.Fill(alpha, values, plane, style);
    }

    private static EncodedImage Empty(RenderSpec spec, EncodeOptions options)
    {
        var key = (spec.Width, spec.Height, spec.Format, spec.Transparent, spec.Transparent ? 0 : spec.Background);
        if (EmptyImages.TryGetValue(key, out var cached)) return cached;
        var image = ImageEncoder.Encode(new byte[spec.Width * spec.Height * 4], spec.Width, spec.Height, spec.Format, options);
        if (EmptyImages.Count >= EmptyCacheCapacity) EmptyImages.Clear();
        return EmptyImages.GetOrAdd(key, image);
    }

    private static void Validate(RenderSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.Width is <= 0 or > 16384 || spec.Height is <= 0 or > 16384)
            throw new ArgumentOutOfRangeException(nameof(spec), $"image size {spec.Width}x{spec.Height} is out of 1..16384");
        if (spec.Extent is not { Length: 4 } e || !(e[2] > e[0]) || !(e[3] > e[1]))
            throw new ArgumentException("the extent is minX, minY, maxX, maxY with max > min", nameof(spec));
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.Crs);
    }
}

/// <summary>
/// The RGBA accumulator of a mosaic drawn top source first: a pixel is written once, by the highest source with data
/// there; <see cref="IsComplete"/> tells when no lower source can change anything.
/// </summary>
internal sealed class RgbaMosaic(int width, int height)
{
    public byte[] Pixels { get; } = new byte[width * height * 4];
    public int Covered { get; private set; }
    public bool IsComplete => Covered == width * height;

    /// <summary>True when some pixel with source alpha &gt; 0 is still empty here (worth reading the bands).</summary>
    public bool CanFillAny(ReadOnlySpan<byte> alpha)
    {
        for (var i = 0; i < alpha.Length; i++)
            if (alpha[i] != 0 && Pixels[i * 4 + 3] == 0) return true;
        return false;
    }

    public void Fill(ReadOnlySpan<byte> alpha, ReadOnlySpan<byte> values, int plane, CompiledStyle style)
    {
        var pixels = Pixels.AsSpan();
        var tables = style.ByteTables;
        for (var i = 0; i < plane; i++)
        {
            var o = i * 4;
            if (alpha[i] == 0 || pixels[o + 3] != 0) continue;
            if (!tables.Apply(values, plane, i, pixels, o)) continue;
            pixels[o + 3] = alpha[i];
            Covered++;
        }
    }

    public void Fill(ReadOnlySpan<byte> alpha, ReadOnlySpan<float> values, int plane, CompiledStyle style)
    {
        var pixels = Pixels.AsSpan();
        for (var i = 0; i < plane; i++)
        {
            var o = i * 4;
            if (alpha[i] == 0 || pixels[o + 3] != 0) continue;
            if (!style.Apply(values, plane, i, pixels, o)) continue;
            pixels[o + 3] = alpha[i];
            Covered++;
        }
    }
}
