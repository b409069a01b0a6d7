using System.Globalization;
using Prism.Gdal;

namespace Prism.Maps.Rendering;

/// <summary>
/// A <see cref="StyleDefinition"/> resolved against one source raster: which bands to read, the value range of each
/// output channel and the colour look-up of one-band styles. Applying it turns band values into RGBA pixels.
/// </summary>
internal sealed class CompiledStyle
{
    private readonly double[] _min;
    private readonly double[] _scale;
    private readonly bool[] _identity;
    private readonly byte[]? _lut; // 256 × RGB for one-band styles with a ramp
    private readonly double? _noData;

    public int[] Bands { get; }

    private CompiledStyle(int[] bands, double[][] ranges, byte[]? lut, double? noData)
    {
        Bands = bands;
        _min = new double[bands.Length];
        _scale = new double[bands.Length];
        _identity = new bool[bands.Length];
        for (var i = 0; i < bands.Length; i++)
        {
            var (lo, hi) = (ranges[i][0], ranges[i][1]);
            _min[i] = lo;
            _scale[i] = hi > lo ? 255.0 / (hi - lo) : 0;
            _identity[i] = lo == 0 && hi == 255;
        }
        _lut = lut;
        _noData = noData;
        _byteTables = new Lazy<ByteStyle>(() => new ByteStyle(this), LazyThreadSafetyMode.PublicationOnly);
    }

    private readonly Lazy<ByteStyle> _byteTables;

    /// <summary>The style as 256-entry tables for Byte bands (same results as <see cref="Apply"/> on the same values).</summary>
    public ByteStyle ByteTables => _byteTables.Value;

    /// <summary>Resolves <paramref name="style"/> for the raster <paramref name="source"/> (band statistics cached under <paramref name="statisticsKey"/>).</summary>
    public static CompiledStyle For(StyleDefinition style, GdalDataset source, string statisticsKey)
    {
        var bands = style.Bands.ToArray();
        if (bands.Length is not (1 or 3))
            throw new ArgumentException($"style '{style.Name}' selects {bands.Length} bands: one (grey/ramp) or three (RGB) are supported");
        foreach (var b in bands)
            if (b < 1 || b > source.BandCount)
                throw new ArgumentException($"style '{style.Name}' selects band {b}; '{statisticsKey}' has {source.BandCount}");

        var ranges = new double[bands.Length][];
        for (var i = 0; i < bands.Length; i++)
        {
            if (style.Ranges is { Count: > 0 } configured)
            {
                var r = configured.Count == 1 ? configured[0] : configured[Math.Min(i, configured.Count - 1)];
                if (r is not { Length: 2 }) throw new ArgumentException($"style '{style.Name}': a range is [min, max]");
                ranges[i] = r;
            }
            else if (source.GetBand(bands[i]).DataType == GdalDataType.Byte)
            {
                ranges[i] = [0, 255];
            }
            else
            {
                ranges[i] = BandStatistics.PercentileRanges(statisticsKey, source)[bands[i] - 1];
            }
        }
        var lut = bands.Length == 1 && style.Ramp is { Count: > 0 } ramp ? RampLut(ramp) : null;
        return new CompiledStyle(bands, ranges, lut, style.NoData);
    }

    /// <summary>
    /// Styles pixel <paramref name="i"/> of the band-sequential <paramref name="values"/> (plane size <paramref name="plane"/>)
    /// into <paramref name="rgba"/> at <paramref name="o"/>. False (nothing written) when the pixel is the style's no-data
    /// (every selected band equal to it) or NaN.
    /// </summary>
    public bool Apply(ReadOnlySpan<float> values, int plane, int i, Span<byte> rgba, int o)
    {
        var n = Bands.Length;
        if (_noData is { } nd)
        {
            var all = true;
            for (var k = 0; k < n && all; k++) all = values[k * plane + i] == nd;
            if (all) return false;
        }
        if (n == 1)
        {
            var v = values[i];
            if (float.IsNaN(v)) return false;
            var g = Scale(v, 0);
            if (_lut is null) { rgba[o] = g; rgba[o + 1] = g; rgba[o + 2] = g; }
            else { rgba[o] = _lut[g * 3]; rgba[o + 1] = _lut[g * 3 + 1]; rgba[o + 2] = _lut[g * 3 + 2]; }
        }
        else
        {
            for (var k = 0; k < 3; k++)
            {
                var v = values[k * plane + i];
                if (float.IsNaN(v)) return false;
                rgba[o + k] = Scale(v, k);
            }
        }
        rgba[o + 3] = 255;
        return true;
    }

    private byte Scale(float v, int k)
    {
        if (_identity[k]) return (byte)Math.Clamp(v, 0f, 255f);
        var s = (v - _min[k]) * _scale[k];
        return (byte)Math.Clamp(Math.Round(s, MidpointRounding.AwayFromZero), 0, 255);
    }

    /// <summary><see cref="CompiledStyle.Apply"/> for Byte values, precomputed for every value 0–255.</summary>
    internal sealed class ByteStyle
    {
        private readonly byte[][] _scaled; // per band: value → 0–255 (Scale)
        private readonly byte[]? _rgb; // one band: value → RGB (grey or ramp)
        private readonly int _noData; // -1: none (or not a byte value)
        private readonly int _bands;

        public ByteStyle(CompiledStyle style)
        {
            _bands = style.Bands.Length;
            _scaled = new byte[_bands][];
            for (var k = 0; k < _bands; k++)
            {
                _scaled[k] = new byte[256];
                for (var v = 0; v < 256; v++) _scaled[k][v] = style.Scale(v, k);
            }
            if (_bands == 1)
            {
                _rgb = new byte[256 * 3];
                for (var v = 0; v < 256; v++)
                {
                    var g = _scaled[0][v];
                    if (style._lut is null) { _rgb[v * 3] = g; _rgb[v * 3 + 1] = g; _rgb[v * 3 + 2] = g; }
                    else { _rgb[v * 3] = style._lut[g * 3]; _rgb[v * 3 + 1] = style._lut[g * 3 + 1]; _rgb[v * 3 + 2] = style._lut[g * 3 + 2]; }
                }
            }
            _noData = style._noData is { } nd && nd >= 0 && nd <= 255 && nd == Math.Floor(nd) ? (int)nd : -1;
        }

        /// <summary>As <see cref="CompiledStyle.Apply"/>, for band-sequential Byte <paramref name="values"/>.</summary>
        public bool Apply(ReadOnlySpan<byte> values, int plane, int i, Span<byte> rgba, int o)
        {
            if (_noData >= 0)
            {
                var all = true;
                for (var k = 0; k < _bands && all; k++) all = values[k * plane + i] == _noData;
                if (all) return false;
            }
            if (_bands == 1)
            {
                var v = values[i] * 3;
                rgba[o] = _rgb![v]; rgba[o + 1] = _rgb[v + 1]; rgba[o + 2] = _rgb[v + 2];
            }
            else
            {
                rgba[o] = _scaled[0][values[i]];
                rgba[o + 1] = _scaled[1][values[plane + i]];
                rgba[o + 2] = _scaled[2][values[2 * plane + i]];
            }
            rgba[o + 3] = 255;
            return true;
        }
    }

    /// <summary>256 RGB entries interpolated linearly between the stops (positions 0–1, sorted; clamped at the ends).</summary>
    internal static byte[] RampLut(IReadOnlyList<RampStop> ramp)
    {
        var stops = ramp.Select(s => (At: Math.Clamp(s.At, 0, 1), Rgb: ParseColor(s.Color))).OrderBy(s => s.At).ToArray();
        var lut = new byte[256 * 3];
        for (var g = 0; g < 256; g++)
        {
            var t = g / 255.0;
            int r, gr, b;
            if (t <= stops[0].At) (r, gr, b) = stops[0].Rgb;
            else if (t >= stops[^1].At) (r, gr, b) = stops[^1].Rgb;
            else
            {
                var j = 1;
                while (stops[j].At < t) j++;
                var (a, c) = (stops[j - 1], stops[j]);
                var f = c.At > a.At ? (t - a.At) / (c.At - a.At) : 1;
                r = (int)Math.Round(a.Rgb.R + (c.Rgb.R - a.Rgb.R) * f);
                gr = (int)Math.Round(a.Rgb.G + (c.Rgb.G - a.Rgb.G) * f);
                b = (int)Math.Round(a.Rgb.B + (c.Rgb.B - a.Rgb.B) * f);
            }
            lut[g * 3] = (byte)r; lut[g * 3 + 1] = (byte)gr; lut[g * 3 + 2] = (byte)b;
        }
        return lut;
    }

    /// <summary>"#rrggbb" or "rrggbb".</summary>
    internal static (int R, int G, int B) ParseColor(string color)
    {
        var hex = color.Trim().TrimStart('#');
        if (hex.Length != 6 || !int.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v))
            throw new ArgumentException($"colour '{color}' is not #rrggbb");
        return ((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF);
    }
}
