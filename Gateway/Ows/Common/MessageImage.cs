using System.Collections.Concurrent;
using System.Security.Cryptography;
using Prism.Maps;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Prism.Gateway.Ows.Common;

/// <summary>Images made by the OWS layer itself: WMS BLANK and INIMAGE exceptions, the empty tile.</summary>
public static class MessageImage
{
    /// <summary>An image of the given size: transparent (PNG with <paramref name="transparent"/>) or filled with
    /// <paramref name="background"/> (0xRRGGBB), with <paramref name="message"/> drawn in a 5×7 pixel font when not null.</summary>
    public static byte[] Render(int width, int height, ImageFormat format, bool transparent, int background, string? message)
    {
        var bg = transparent && format == ImageFormat.Png
            ? new Rgba32(0, 0, 0, 0)
            : new Rgba32((byte)(background >> 16), (byte)(background >> 8), (byte)background, 255);
        using var image = new Image<Rgba32>(width, height, bg);
        if (!string.IsNullOrEmpty(message)) DrawText(image, message, new Rgba32(200, 0, 0, 255));
        using var ms = new MemoryStream();
        if (format == ImageFormat.Png) image.SaveAsPng(ms, new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
        else image.SaveAsJpeg(ms, new JpegEncoder { Quality = 85 });
        return ms.ToArray();
    }

    /// <summary>Draws the text wrapped to the width, from the top-left corner, scaled up on large images.</summary>
    private static void DrawText(Image<Rgba32> image, string text, Rgba32 color)
    {
        var scale = image.Width >= 512 && image.Height >= 128 ? 2 : 1;
        int cw = 6 * scale, lh = 9 * scale, margin = 4;
        var perLine = Math.Max(1, (image.Width - 2 * margin) / cw);
        var lines = Wrap(text.ToUpperInvariant(), perLine);
        var y = margin;
        foreach (var line in lines)
        {
            if (y + 7 * scale > image.Height) break;
            var x = margin;
            foreach (var ch in line)
            {
                var glyph = BitmapFont.Glyph(ch);
                for (var r = 0; r < 7; r++)
                    for (var c = 0; c < 5; c++)
                        if ((glyph[r] & (0x10 >> c)) != 0)
                            for (var dy = 0; dy < scale; dy++)
                                for (var dx = 0; dx < scale; dx++)
                                {
                                    int px = x + c * scale + dx, py = y + r * scale + dy;
                                    if (px < image.Width && py < image.Height) image[px, py] = color;
                                }
                x += cw;
            }
            y += lh;
        }
    }

    private static List<string> Wrap(string text, int perLine)
    {
        var lines = new List<string>();
        var current = "";
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var w = word;
            while (w.Length > perLine)
            {
                if (current.Length > 0) { lines.Add(current); current = ""; }
                lines.Add(w[..perLine]);
                w = w[perLine..];
            }
            if (current.Length == 0) current = w;
            else if (current.Length + 1 + w.Length <= perLine) current += " " + w;
            else { lines.Add(current); current = w; }
        }
        if (current.Length > 0) lines.Add(current);
        return lines;
    }
}

/// <summary>Transparent (PNG) or white (JPEG) 256×256 tiles, made once.</summary>
public static class BlankImages
{
    private static readonly ConcurrentDictionary<ImageFormat, EncodedImage> Tiles = new();

    public static EncodedImage Tile(ImageFormat format) => Tiles.GetOrAdd(format, f =>
    {
        var data = MessageImage.Render(256, 256, f, transparent: true, 0xFFFFFF, null);
        return new EncodedImage
        {
            Data = data, ContentType = f.ContentType(), Source = "rendered",
            ETag = "\"" + Convert.ToHexStringLower(SHA256.HashData(data))[..32] + "\"",
        };
    });
}

/// <summary>A 5×7 pixel font for upper-case letters, digits and common punctuation (rows top to bottom, bit 4 = left).</summary>
internal static class BitmapFont
{
    private static readonly Dictionary<char, byte[]> Glyphs = Build();
    private static readonly byte[] Unknown = [0x1F, 0x11, 0x11, 0x11, 0x11, 0x11, 0x1F];

    public static byte[] Glyph(char c) => Glyphs.TryGetValue(c, out var g) ? g : Unknown;

    private static Dictionary<char, byte[]> Build()
    {
        // Each glyph: 7 rows of 5 pixels ('#' set).
        var src = new Dictionary<char, string>
        {
            ['A'] = ".###.|#...#|#...#|#####|#...#|#...#|#...#", ['B'] = "####.|#...#|#...#|####.|#...#|#...#|####.",
            ['C'] = ".###.|#...#|#....|#....|#....|#...#|.###.", ['D'] = "####.|#...#|#...#|#...#|#...#|#...#|####.",
            ['E'] = "#####|#....|#....|####.|#....|#....|#####", ['F'] = "#####|#....|#....|####.|#....|#....|#....",
            ['G'] = ".###.|#...#|#....|#.###|#...#|#...#|.####", ['H'] = "#...#|#...#|#...#|#####|#...#|#...#|#...#",
            ['I'] = ".###.|..#..|..#..|..#..|..#..|..#..|.###.", ['J'] = "..###|...#.|...#.|...#.|...#.|#..#.|.##..",
            ['K'] = "#...#|#..#.|#.#..|##...|#.#..|#..#.|#...#", ['L'] = "#....|#....|#....|#....|#....|#....|#####",
            ['M'] = "#...#|##.##|#.#.#|#.#.#|#...#|#...#|#...#", ['N'] = "#...#|#...#|##..#|#.#.#|#..##|#...#|#...#",
            ['O'] = ".###.|#...#|#...#|#...#|#...#|#...#|.###.", ['P'] = "####.|#...#|#...#|####.|#....|#....|#....",
            ['Q'] = ".###.|#...#|#...#|#...#|#.#.#|#..#.|.##.#", ['R'] = "####.|#...#|#...#|####.|#.#..|#..#.|#...#",
            ['S'] = ".####|#....|#....|.###.|....#|....#|####.", ['T'] = "#####|..#..|..#..|..#..|..#..|..#..|..#..",
            ['U'] = "#...#|#...#|#...#|#...#|#...#|#...#|.###.", ['V'] = "#...#|#...#|#...#|#...#|#...#|.#.#.|..#..",
            ['W'] = "#...#|#...#|#...#|#.#.#|#.#.#|#.#.#|.#.#.", ['X'] = "#...#|#...#|.#.#.|..#..|.#.#.|#...#|#...#",
            ['Y'] = "#...#|#...#|.#.#.|..#..|..#..|..#..|..#..", ['Z'] = "#####|....#|...#.|..#..|.#...|#....|#####",
            ['0'] = ".###.|#...#|#..##|#.#.#|##..#|#...#|.###.", ['1'] = "..#..|.##..|..#..|..#..|..#..|..#..|.###.",
            ['2'] = ".###.|#...#|....#|...#.|..#..|.#...|#####", ['3'] = "#####|...#.|..#..|...#.|....#|#...#|.###.",
            ['4'] = "...#.|..##.|.#.#.|#..#.|#####|...#.|...#.", ['5'] = "#####|#....|####.|....#|....#|#...#|.###.",
            ['6'] = "..##.|.#...|#....|####.|#...#|#...#|.###.", ['7'] = "#####|....#|...#.|..#..|.#...|.#...|.#...",
            ['8'] = ".###.|#...#|#...#|.###.|#...#|#...#|.###.", ['9'] = ".###.|#...#|#...#|.####|....#|...#.|.##..",
            [' '] = ".....|.....|.....|.....|.....|.....|.....", ['.'] = ".....|.....|.....|.....|.....|.##..|.##..",
            [','] = ".....|.....|.....|.....|.##..|..#..|.#...", [':'] = ".....|.##..|.##..|.....|.##..|.##..|.....",
            [';'] = ".....|.##..|.##..|.....|.##..|..#..|.#...", ['-'] = ".....|.....|.....|#####|.....|.....|.....",
            ['_'] = ".....|.....|.....|.....|.....|.....|#####", ['/'] = ".....|....#|...#.|..#..|.#...|#....|.....",
            ['('] = "...#.|..#..|.#...|.#...|.#...|..#..|...#.", [')'] = ".#...|..#..|...#.|...#.|...#.|..#..|.#...",
            ['\''] = "..#..|..#..|.#...|.....|.....|.....|.....", ['"'] = ".#.#.|.#.#.|.....|.....|.....|.....|.....",
            ['='] = ".....|.....|#####|.....|#####|.....|.....", ['?'] = ".###.|#...#|....#|...#.|..#..|.....|..#..",
            ['!'] = "..#..|..#..|..#..|..#..|..#..|.....|..#..", ['+'] = ".....|..#..|..#..|#####|..#..|..#..|.....",
            ['%'] = "##...|##..#|...#.|..#..|.#...|#..##|...##", ['#'] = ".#.#.|.#.#.|#####|.#.#.|#####|.#.#.|.#.#.",
            ['<'] = "...#.|..#..|.#...|#....|.#...|..#..|...#.", ['>'] = ".#...|..#..|...#.|....#|...#.|..#..|.#...",
            ['*'] = ".....|..#..|#.#.#|.###.|#.#.#|..#..|.....", ['&'] = ".##..|#..#.|#.#..|.#...|#.#.#|#..#.|.##.#",
            ['['] = ".###.|.#...|.#...|.#...|.#...|.#...|.###.", [']'] = ".###.|...#.|...#.|...#.|...#.|...#.|.###.",
            ['{'] = "...#.|..#..|..#..|.#...|..#..|..#..|...#.", ['}'] = ".#...|..#..|..#..|...#.|..#..|..#..|.#...",
            ['…'] = ".....|.....|.....|.....|.....|.....|#.#.#",
        };
        var glyphs = new Dictionary<char, byte[]>();
        foreach (var (ch, rows) in src)
            glyphs[ch] = rows.Split('|').Select(r => (byte)r.Aggregate(0, (acc, p) => (acc << 1) | (p == '#' ? 1 : 0))).ToArray();
        return glyphs;
    }
}
