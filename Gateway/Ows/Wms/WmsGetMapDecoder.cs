using System.Globalization;
using Prism.Maps;

namespace Prism.Gateway.Ows.Wms;

public enum WmsVersion { V111, V130 }

/// <summary>How WMS errors are returned (EXCEPTIONS): an XML report, the message drawn in an image, or an empty image.</summary>
public enum WmsExceptionFormat { Xml, InImage, Blank }

/// <summary>A decoded GetMap request.</summary>
public sealed record WmsGetMapRequest(WmsVersion Version, MapQuery Query, WmsExceptionFormat Exceptions);

/// <summary>Decodes WMS 1.3.0 and 1.1.1 GetMap KVP requests.</summary>
public static class WmsGetMapDecoder
{
    /// <summary>VERSION (or WMTVER): 1.1.x → 1.1.1, anything else → 1.3.0.</summary>
    public static WmsVersion DecodeVersion(Kvp kvp)
    {
        var v = (kvp["VERSION"] ?? kvp["WMTVER"])?.Trim();
        return v is not null && (v.StartsWith("1.1", StringComparison.Ordinal) || v.StartsWith("1.0", StringComparison.Ordinal))
            ? WmsVersion.V111 : WmsVersion.V130;
    }

    public static WmsExceptionFormat DecodeExceptions(Kvp kvp) => kvp["EXCEPTIONS"]?.Trim().ToUpperInvariant() switch
    {
        "INIMAGE" or "APPLICATION/VND.OGC.SE_INIMAGE" => WmsExceptionFormat.InImage,
        "BLANK" or "APPLICATION/VND.OGC.SE_BLANK" => WmsExceptionFormat.Blank,
        _ => WmsExceptionFormat.Xml,
    };

    public static WmsGetMapRequest Decode(Kvp kvp, int maxWidth, int maxHeight)
    {
        var version = DecodeVersion(kvp);
        var exceptions = DecodeExceptions(kvp);
        var layers = kvp.Required("LAYERS", "LAYERS").Split(',').Select(l => l.Trim()).ToList();
        if (layers.Any(l => l.Length == 0))
            throw new OwsException(OwsExceptionCode.LayerNotDefined, "LAYERS has an empty layer name", "LAYERS");
        var stylesValue = kvp["STYLES"] ?? "";
        var styles = stylesValue.Trim().Length == 0 ? [] : stylesValue.Split(',').Select(s => s.Trim()).ToList();
        if (styles.Count != 0 && styles.Count != layers.Count)
            throw new OwsException(OwsExceptionCode.StyleNotDefined,
                $"STYLES has {styles.Count} entries for {layers.Count} layers", "STYLES");
        var crsKey = version == WmsVersion.V130 ? "CRS" : "SRS";
        var (crs, latLon) = DecodeCrs(kvp.Required(crsKey, crsKey), version);
        var bbox = DecodeBbox(kvp.Required("BBOX", "BBOX"), latLon);
        var width = DecodeSize(kvp.Required("WIDTH", "WIDTH"), "WIDTH", maxWidth);
        var height = DecodeSize(kvp.Required("HEIGHT", "HEIGHT"), "HEIGHT", maxHeight);
        var format = DecodeFormat(kvp.Required("FORMAT", "FORMAT"));
        var transparent = DecodeBool(kvp["TRANSPARENT"], "TRANSPARENT");
        var background = DecodeColor(kvp["BGCOLOR"]);
        var time = OwsTime.Normalise(kvp["TIME"], "TIME");
        if (time is not null && time.Contains(','))
            throw new OwsException(OwsExceptionCode.InvalidDimensionValue, "TIME lists are not supported: one instant or start/end", "TIME");
        return new WmsGetMapRequest(version, new MapQuery
        {
            Layers = layers, Styles = styles, Crs = crs, Bbox = bbox, Width = width, Height = height,
            Format = format, Transparent = transparent, Background = background, Time = time,
        }, exceptions);
    }

    /// <summary>The normalised CRS code and whether BBOX is given latitude first (EPSG:4326 in 1.3.0, and its URN).</summary>
    public static (string Crs, bool LatLon) DecodeCrs(string value, WmsVersion version)
    {
        var v = value.Trim().ToUpperInvariant();
        switch (v)
        {
            case "CRS:84":
            case "URN:OGC:DEF:CRS:OGC:1.3:CRS84":
            case "URN:OGC:DEF:CRS:OGC::CRS84":
                return ("EPSG:4326", false);
            case "EPSG:4326":
                return ("EPSG:4326", version == WmsVersion.V130);
            case "URN:OGC:DEF:CRS:EPSG::4326":
            case "URN:OGC:DEF:CRS:EPSG:6.6:4326":
                return ("EPSG:4326", true);
            case "EPSG:3857" or "EPSG:900913" or "EPSG:3785" or "EPSG:102100" or "EPSG:102113" or "URN:OGC:DEF:CRS:EPSG::3857":
                return ("EPSG:3857", false);
            default:
                var code = version == WmsVersion.V130 ? OwsExceptionCode.InvalidCRS : OwsExceptionCode.InvalidSRS;
                throw new OwsException(code, $"Unsupported {(version == WmsVersion.V130 ? "CRS" : "SRS")} '{OwsTime.Truncate(value)}' (EPSG:4326, EPSG:3857, CRS:84)",
                    version == WmsVersion.V130 ? "CRS" : "SRS");
        }
    }

    /// <summary>minx,miny,maxx,maxy (four finite numbers, min &lt; max) in x/y order; a lat/lon BBOX is swapped.</summary>
    public static double[] DecodeBbox(string value, bool latLon)
    {
        var parts = value.Split(',');
        if (parts.Length != 4)
            throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"BBOX needs 4 comma-separated numbers, got {parts.Length}", "BBOX");
        var v = new double[4];
        for (var i = 0; i < 4; i++)
            if (!double.TryParse(parts[i].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !double.IsFinite(v[i]))
                throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"BBOX value '{OwsTime.Truncate(parts[i])}' is not a finite number", "BBOX");
        if (v[0] >= v[2] || v[1] >= v[3])
            throw new OwsException(OwsExceptionCode.InvalidParameterValue, "BBOX minimum must be less than maximum on both axes", "BBOX");
        return latLon ? [v[1], v[0], v[3], v[2]] : v;
    }

    public static int DecodeSize(string value, string locator, int max)
    {
        if (!long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) || n < 1 || n > max)
            throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"{locator} '{OwsTime.Truncate(value)}' must be an integer in 1..{max}", locator);
        return (int)n;
    }

    public static ImageFormat DecodeFormat(string value) =>
        ImageFormats.Parse(value) ?? throw new OwsException(OwsExceptionCode.InvalidFormat,
            $"Unsupported FORMAT '{OwsTime.Truncate(value)}' (image/png, image/jpeg)", "FORMAT");

    public static bool DecodeBool(string? value, string locator) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" or "FALSE" or "0" => false,
        "TRUE" or "1" => true,
        _ => throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"{locator} must be TRUE or FALSE", locator),
    };

    /// <summary>BGCOLOR <c>0xRRGGBB</c> (also <c>#RRGGBB</c>); default white.</summary>
    public static int DecodeColor(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return 0xFFFFFF;
        var v = value.Trim();
        var hex = v.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? v[2..] : v.StartsWith('#') ? v[1..] : null;
        if (hex is null || hex.Length != 6 || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var rgb))
            throw new OwsException(OwsExceptionCode.InvalidParameterValue, $"BGCOLOR '{OwsTime.Truncate(v)}' must be 0xRRGGBB", "BGCOLOR");
        return rgb;
    }

    /// <summary>The image an INIMAGE/BLANK exception is drawn into, when WIDTH, HEIGHT and FORMAT allow one.</summary>
    public static (int Width, int Height, ImageFormat Format, bool Transparent, int Background)? ErrorImage(Kvp kvp, int maxWidth, int maxHeight)
    {
        try
        {
            var w = DecodeSize(kvp["WIDTH"] ?? "", "WIDTH", maxWidth);
            var h = DecodeSize(kvp["HEIGHT"] ?? "", "HEIGHT", maxHeight);
            var f = ImageFormats.Parse(kvp["FORMAT"]);
            if (f is null) return null;
            bool transparent;
            int bg;
            try { transparent = DecodeBool(kvp["TRANSPARENT"], "TRANSPARENT"); } catch (OwsException) { transparent = false; }
            try { bg = DecodeColor(kvp["BGCOLOR"]); } catch (OwsException) { bg = 0xFFFFFF; }
            return (w, h, f.Value, transparent, bg);
        }
        catch (OwsException)
        {
            return null;
        }
    }
}
