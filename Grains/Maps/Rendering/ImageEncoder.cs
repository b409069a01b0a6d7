using System.Buffers.Binary;
using System.Buffers;
using Prism.Gdal;
using System.IO.Hashing;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace Prism.Maps.Rendering;

/// <summary>How <see cref="ImageEncoder"/> turns an RGBA buffer into bytes.</summary>
public sealed record EncodeOptions
{
    /// <summary>Deflate level of PNG (libdeflate, 0–12). Default 1: on 256² EO tiles it is ≈ 45 % faster than .NET's
    /// zlib-ng at level 2 (the previous default) and writes slightly smaller files (see <see cref="ZlibDeflate"/>).</summary>
    public int PngCompressionLevel { get; init; } = ImageEncoder.DefaultPngCompressionLevel;
    /// <summary>JPEG quality (1–100).</summary>
    public int JpegQuality { get; init; } = ImageEncoder.DefaultJpegQuality;
    /// <summary>False: flatten on <see cref="Background"/> (no alpha in the output).</summary>
    public bool Transparent { get; init; } = true;
    /// <summary>0xRRGGBB used where the image is (partly) transparent and the output has no alpha (JPEG, Transparent=false).</summary>
    public int Background { get; init; } = 0xFFFFFF;
}

/// <summary>
/// Encodes straight (non-premultiplied) RGBA8 buffers as PNG (own writer: Sub filter, libdeflate) or
/// JPEG (ImageSharp) — ENCODE ONLY: nothing here decodes an image. PNG keeps the alpha channel (RGBA) unless the image
/// is fully opaque, then RGB (25 % fewer raw bytes to deflate). JPEG has no alpha: it is flattened on the background.
/// Thread-safe.
/// </summary>
public static class ImageEncoder
{
    public const int DefaultPngCompressionLevel = 1;
    public const int DefaultJpegQuality = 85;

    /// <summary>Encodes <paramref name="rgba"/> (width × height × 4 bytes, rows top to bottom).</summary>
    public static EncodedImage Encode(ReadOnlySpan<byte> rgba, int width, int height, ImageFormat format, EncodeOptions? options = null)
    {
        options ??= new EncodeOptions();
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), "the image must not be empty");
        if (rgba.Length < width * height * 4) throw new ArgumentException("buffer too small", nameof(rgba));
        var bytes = format == ImageFormat.Jpeg ? EncodeJpeg(rgba, width, height, options) : EncodePng(rgba, width, height, options);
        return new EncodedImage { Data = bytes, ContentType = format.ContentType(), ETag = ETagOf(bytes) };
    }

    /// <summary>Strong validator: the quoted hex XxHash64 of the bytes.</summary>
    public static string ETagOf(ReadOnlySpan<byte> bytes) => $"\"{XxHash64.HashToUInt64(bytes):x16}\"";

    private static byte[] EncodePng(ReadOnlySpan<byte> rgba, int width, int height, EncodeOptions options)
    {
        var level = Math.Clamp(options.PngCompressionLevel, ZlibDeflate.MinLevel, ZlibDeflate.MaxLevel);
        byte[]? flattened = null;
        if (!options.Transparent)
        {
            flattened = Flatten(rgba, width, height, options.Background);
            rgba = flattened;
        }
        rgba = rgba[..(width * height * 4)];
        var opaque = flattened is not null || IsOpaque(rgba);
        return WritePng(rgba, width, height, opaque ? 3 : 4, level);
    }

    /// <summary>
    /// PNG (8-bit RGB or RGBA, no interlace, no ancillary chunks) with the Sub filter on every row, the filtered rows
    /// deflated in one call by libdeflate (<see cref="ZlibDeflate"/>) at <paramref name="level"/> (0–12).
    /// </summary>
    internal static byte[] WritePng(ReadOnlySpan<byte> rgba, int width, int height, int channels, int level)
    {
        var stride = width * channels;
        var rawLength = height * (1 + stride);
        var raw = ArrayPool<byte>.Shared.Rent(rawLength);
        var packed = ArrayPool<byte>.Shared.Rent(ZlibDeflate.Bound(rawLength, level));
        try
        {
            for (var y = 0; y < height; y++)
            {
                var row = rgba.Slice(y * width * 4, width * 4);
                var line = raw.AsSpan(y * (1 + stride), 1 + stride);
                line[0] = 1; // Sub
                if (channels == 4)
                {
                    line[1] = row[0]; line[2] = row[1]; line[3] = row[2]; line[4] = row[3];
                    for (var i = 4; i < row.Length; i++) line[1 + i] = (byte)(row[i] - row[i - 4]);
                }
                else
                {
                    byte pr = 0, pg = 0, pb = 0;
                    for (int i = 0, o = 1; i < row.Length; i += 4, o += 3)
                    {
                        byte r = row[i], g = row[i + 1], b = row[i + 2];
                        line[o] = (byte)(r - pr); line[o + 1] = (byte)(g - pg); line[o + 2] = (byte)(b - pb);
                        (pr, pg, pb) = (r, g, b);
                    }
                }
            }
            var idat = ZlibDeflate.Compress(raw.AsSpan(0, rawLength), packed, level);

            // Signature, IHDR (8 + 13 + 4), IDAT (8 + data + 4), IEND (12).
            var png = new byte[8 + 25 + 12 + idat + 12];
            var s = png.AsSpan();
            ReadOnlySpan<byte> signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
            signature.CopyTo(s);
            Span<byte> ihdr = stackalloc byte[13];
            BinaryPrimitives.WriteUInt32BigEndian(ihdr, (uint)width);
            BinaryPrimitives.WriteUInt32BigEndian(ihdr[4..], (uint)height);
            ihdr[8] = 8; // bit depth
            ihdr[9] = (byte)(channels == 4 ? 6 : 2); // RGBA / RGB
            ihdr[10] = ihdr[11] = ihdr[12] = 0; // deflate, adaptive filtering, no interlace
            var at = WriteChunk(s, 8, "IHDR"u8, ihdr);
            at = WriteChunk(s, at, "IDAT"u8, packed.AsSpan(0, idat));
            at = WriteChunk(s, at, "IEND"u8, []);
            return at == png.Length ? png : throw new InvalidOperationException("PNG length mismatch");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            ArrayPool<byte>.Shared.Return(packed);
        }
    }

    /// <summary>Writes one chunk (length, type, data, CRC of type and data) at <paramref name="at"/>; returns the end.</summary>
    private static int WriteChunk(Span<byte> png, int at, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        BinaryPrimitives.WriteUInt32BigEndian(png[at..], (uint)data.Length);
        type.CopyTo(png[(at + 4)..]);
        data.CopyTo(png[(at + 8)..]);
        var crc = Crc32.HashToUInt32(png.Slice(at + 4, 4 + data.Length));
        BinaryPrimitives.WriteUInt32BigEndian(png[(at + 8 + data.Length)..], crc);
        return at + 12 + data.Length;
    }

    private static byte[] EncodeJpeg(ReadOnlySpan<byte> rgba, int width, int height, EncodeOptions options)
    {
        var rgb = new byte[width * height * 3];
        var bg = options.Background;
        byte br = (byte)(bg >> 16), bgG = (byte)(bg >> 8), bb = (byte)bg;
        for (int i = 0, o = 0; o < rgb.Length; i += 4, o += 3)
        {
            var a = rgba[i + 3];
            if (a == 255) { rgb[o] = rgba[i]; rgb[o + 1] = rgba[i + 1]; rgb[o + 2] = rgba[i + 2]; }
            else if (a == 0) { rgb[o] = br; rgb[o + 1] = bgG; rgb[o + 2] = bb; }
            else { rgb[o] = Blend(rgba[i], br, a); rgb[o + 1] = Blend(rgba[i + 1], bgG, a); rgb[o + 2] = Blend(rgba[i + 2], bb, a); }
        }
        using var image = Image.LoadPixelData<Rgb24>(rgb, width, height);
        using var ms = new MemoryStream(width * height / 4);
        image.Save(ms, new JpegEncoder { Quality = Math.Clamp(options.JpegQuality, 1, 100) });
        return ms.ToArray();
    }

    /// <summary>RGBA composited over an opaque background colour (alpha becomes 255).</summary>
    internal static byte[] Flatten(ReadOnlySpan<byte> rgba, int width, int height, int background)
    {
        var n = width * height * 4;
        var output = new byte[n];
        byte br = (byte)(background >> 16), bgG = (byte)(background >> 8), bb = (byte)background;
        for (var i = 0; i < n; i += 4)
        {
            var a = rgba[i + 3];
            output[i] = Blend(rgba[i], br, a);
            output[i + 1] = Blend(rgba[i + 1], bgG, a);
            output[i + 2] = Blend(rgba[i + 2], bb, a);
            output[i + 3] = 255;
        }
        return output;
    }

    private static byte Blend(byte c, byte bg, byte a) => a switch
    {
        255 => c,
        0 => bg,
        _ => (byte)((c * a + bg * (255 - a) + 127) / 255),
    };

    private static bool IsOpaque(ReadOnlySpan<byte> rgba)
    {
        for (var i = 3; i < rgba.Length; i += 4)
            if (rgba[i] != 255) return false;
        return true;
    }
}
