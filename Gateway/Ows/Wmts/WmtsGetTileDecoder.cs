using System.Globalization;
using Prism.Maps;

namespace Prism.Gateway.Ows.Wmts;

/// <summary>Decodes WMTS 1.0.0 GetTile requests, KVP and RESTful, into a <see cref="TileQuery"/>.</summary>
public static class WmtsGetTileDecoder
{
    /// <summary>KVP: LAYER, STYLE, FORMAT, TILEMATRIXSET, TILEMATRIX, TILEROW, TILECOL, TIME (keys case-insensitive).
    /// STYLE may be omitted (default style) and FORMAT defaults to image/png; the others are required.</summary>
    public static TileQuery DecodeKvp(Kvp kvp)
    {
        var version = kvp["VERSION"];
        if (!string.IsNullOrWhiteSpace(version) && version.Trim() != "1.0.0")
            throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"Unsupported VERSION '{OwsTime.Truncate(version)}' (1.0.0)", "Version");
        var layer = kvp.Required("LAYER", "Layer");
        var tms = DecodeTileMatrixSet(kvp.Required("TILEMATRIXSET", "TileMatrixSet"));
        var z = DecodeTileMatrix(tms, kvp.Required("TILEMATRIX", "TileMatrix"));
        var row = DecodeIndex(kvp.Required("TILEROW", "TileRow"), "TileRow", tms.MatrixHeight(z));
        var col = DecodeIndex(kvp.Required("TILECOL", "TileCol"), "TileCol", tms.MatrixWidth(z));
        var formatValue = kvp["FORMAT"];
        var format = string.IsNullOrWhiteSpace(formatValue) ? ImageFormat.Png : DecodeFormat(formatValue);
        var style = kvp["STYLE"]?.Trim();
        var time = OwsTime.Normalise(kvp["TIME"], "time");
        return new TileQuery
        {
            Layer = layer, Style = string.IsNullOrEmpty(style) ? null : style, TileMatrixSet = tms.Identifier,
            Zoom = z, Row = row, Col = col, Time = time, Format = format,
        };
    }

    /// <summary>REST: the path after <c>/wmts/1.0.0/</c>:
    /// <c>{layer}/{style}[/{time}]/{tms}/{z}/{row}/{col}.{png|jpg}</c>, the time as <c>start--end</c>, an instant,
    /// or <c>start/end</c> as two segments. Null when the path has not the shape of a tile URL.</summary>
    public static TileQuery? DecodeRest(string path)
    {
        var s = path.Trim('/').Split('/');
        if (s.Length is < 6 or > 8 || s.Any(p => p.Length == 0)) return null;
        var n = s.Length;
        var last = s[n - 1];
        var dot = last.LastIndexOf('.');
        if (dot <= 0) return null;
        var format = last[(dot + 1)..].ToLowerInvariant() switch
        {
            "png" => ImageFormat.Png,
            "jpg" or "jpeg" => ImageFormat.Jpeg,
            _ => throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"Unsupported format extension '{OwsTime.Truncate(last[(dot + 1)..])}' (png, jpg)", "Format"),
        };
        var tms = DecodeTileMatrixSet(s[n - 4]);
        var z = DecodeTileMatrix(tms, s[n - 3]);
        var row = DecodeIndex(s[n - 2], "TileRow", tms.MatrixHeight(z));
        var col = DecodeIndex(last[..dot], "TileCol", tms.MatrixWidth(z));
        var time = n switch
        {
            6 => null,
            7 => OwsTime.Normalise(s[2]),
            _ => OwsTime.Normalise(s[2] + "/" + s[3]),
        };
        var style = s[1];
        return new TileQuery
        {
            Layer = s[0], Style = style is "default" or "" ? null : style, TileMatrixSet = tms.Identifier,
            Zoom = z, Row = row, Col = col, Time = time, Format = format,
        };
    }

    public static TileMatrixSet DecodeTileMatrixSet(string value) =>
        TileMatrixSet.Find(value.Trim()) ?? throw new OwsException(OwsExceptionCode.InvalidParameterValue,
            $"Unknown TileMatrixSet '{OwsTime.Truncate(value)}' (WGS84, GoogleMapsCompatible)", "TileMatrixSet");

    /// <summary>A TileMatrix identifier: the zoom level (<c>5</c>; <c>WGS84:5</c> is also accepted).</summary>
    public static int DecodeTileMatrix(TileMatrixSet tms, string value)
    {
        var v = value.Trim();
        var colon = v.LastIndexOf(':');
        if (colon >= 0 && string.Equals(v[..colon], tms.Identifier, StringComparison.OrdinalIgnoreCase)) v = v[(colon + 1)..];
        if (!int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var z) || z < 0 || z > tms.MaxZoom)
            throw new OwsException(OwsExceptionCode.InvalidParameterValue,
                $"Unknown TileMatrix '{OwsTime.Truncate(value)}' in {tms.Identifier} (0..{tms.MaxZoom})", "TileMatrix");
        return z;
    }

    /// <summary>A tile row or column: not an integer → InvalidParameterValue; outside 0..size-1 → TileOutOfRange.</summary>
    public static int DecodeIndex(string value, string locator, int size)
    {
        if (!long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i))
            throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"{locator} '{OwsTime.Truncate(value)}' is not an integer", locator);
        if (i < 0 || i >= size)
            throw new OwsException(OwsExceptionCode.TileOutOfRange, $"{locator} {i} is outside 0..{size - 1}", locator);
        return (int)i;
    }

    public static ImageFormat DecodeFormat(string value) =>
        ImageFormats.Parse(value) ?? throw new OwsException(OwsExceptionCode.InvalidParameterValue,
            $"Unsupported Format '{OwsTime.Truncate(value)}' (image/png, image/jpeg)", "Format");
}
