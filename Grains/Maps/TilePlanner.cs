using System.IO.Compression;
using System.Security.Cryptography;
using Prism.Storage;

namespace Prism.Maps;

/// <summary>What a tile request resolves to: the tile grain key and how to render it.</summary>
public sealed record TilePlan(string Key, RenderSpec Spec, IReadOnlyList<MapProduct> Products);

/// <summary>
/// Resolves a tile (collection, style, tile matrix set, z/col/row, TIME, format) to the products to draw over the
/// tile's extent and the tile grain that caches it. Shared by the map backend and the seeder so both use the same keys.
/// </summary>
public sealed class TilePlanner(IObjectStores stores)
{
    /// <summary>The plan, or null when no product intersects the tile and the time (an empty tile, no grain).</summary>
    public TilePlan? Plan(MapCollection collection, StyleDefinition style, TileMatrixSet tms, int z, int col, int row,
        TimeRange time, ImageFormat format)
    {
        var box = MapGeometry.TileWgs84(tms, z, col, row);
        var products = collection.Resolve(time, box);
        if (products.Count == 0) return null;
        var (x0, y0, x1, y1) = tms.TileBounds(z, col, row);
        var spec = new RenderSpec
        {
            Crs = tms.Crs,
            Extent = [x0, y0, x1, y1],
            Width = tms.TileSize,
            Height = tms.TileSize,
            Sources = Sources(products),
            Style = style,
            Format = format,
            Transparent = format == ImageFormat.Png,
        };
        var key = TileKeys.Of(collection.Identifier, style.Name, tms.Identifier, TileFingerprint.Of(products, style), z, col, row, format);
        return new TilePlan(key, spec, products);
    }

    /// <summary>Every coverage of the products, bottom first, as paths GDAL opens.</summary>
    public IReadOnlyList<RenderSource> Sources(IEnumerable<MapProduct> products) =>
        products.SelectMany(p => p.Record.Coverages.Select(c => new RenderSource(p.Identifier, stores.Output.GdalPath(c.Location), p.Record.UpdatedAt?.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture))))
            .ToList();
}

/// <summary>Tiles for places and times without products: transparent PNG, white JPEG (JPEG has no alpha).</summary>
public static class EmptyTiles
{
    private static readonly Dictionary<(ImageFormat, int), EncodedImage> Cache = new();
    private static readonly Lock Gate = new();

    private const string WhiteJpeg256 = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAUDBAQEAwUEBAQFBQUGBwwIBwcHBw8LCwkMEQ8SEhEPERETFhwXExQaFRERGCEYGh0dHx8fExciJCIeJBweHx7/2wBDAQUFBQcGBw4ICA4eFBEUHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh7/wAARCAEAAQADASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAj/xAAUEAEAAAAAAAAAAAAAAAAAAAAA/8QAFAEBAAAAAAAAAAAAAAAAAAAAAP/EABQRAQAAAAAAAAAAAAAAAAAAAAD/2gAMAwEAAhEDEQA/ALLAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB//9k=";

    public static EncodedImage Get(ImageFormat format, int size = 256)
    {
        lock (Gate)
        {
            if (Cache.TryGetValue((format, size), out var image)) return image;
            var data = format == ImageFormat.Jpeg && size == 256 ? Convert.FromBase64String(WhiteJpeg256) : TransparentPng(size, size);
            var contentType = format == ImageFormat.Jpeg && size == 256 ? "image/jpeg" : "image/png";
            image = new EncodedImage { Data = data, ContentType = contentType, ETag = ETagOf(data), Source = "empty" };
            Cache[(format, size)] = image;
            return image;
        }
    }

    /// <summary>A strong validator of bytes: quoted 16 hex digits of SHA-256.</summary>
    public static string ETagOf(ReadOnlySpan<byte> data) => $"\"{Convert.ToHexStringLower(SHA256.HashData(data))[..16]}\"";

    /// <summary>A fully transparent RGBA PNG.</summary>
    public static byte[] TransparentPng(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        WriteBe(ihdr, 0, (uint)width);
        WriteBe(ihdr, 4, (uint)height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 6; // RGBA
        Chunk(png, "IHDR", ihdr);
        using (var raw = new MemoryStream())
        {
            using (var z = new ZLibStream(raw, CompressionLevel.SmallestSize, leaveOpen: true))
            {
                var line = new byte[1 + width * 4]; // filter 0 + zeros
                for (var y = 0; y < height; y++) z.Write(line);
            }
            Chunk(png, "IDAT", raw.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var head = new byte[8];
        WriteBe(head, 0, (uint)data.Length);
        for (var i = 0; i < 4; i++) head[4 + i] = (byte)type[i];
        s.Write(head);
        s.Write(data);
        var crc = Crc32(head.AsSpan(4), data);
        var tail = new byte[4];
        WriteBe(tail, 0, crc);
        s.Write(tail);
    }

    private static uint Crc32(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        var c = 0xFFFFFFFFu;
        foreach (var span in new[] { a.ToArray(), b.ToArray() })
        foreach (var x in span)
        {
            c ^= x;
            for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return c ^ 0xFFFFFFFFu;
    }

    private static void WriteBe(byte[] buffer, int offset, uint v)
    {
        buffer[offset] = (byte)(v >> 24); buffer[offset + 1] = (byte)(v >> 16);
        buffer[offset + 2] = (byte)(v >> 8); buffer[offset + 3] = (byte)v;
    }
}
