using System.Globalization;

namespace Prism.Ingestion;

/// <summary>Parsing and validation of metadata values shared by the XML, STAC and JSON message readers.</summary>
public static class MetadataValues
{
    public const int MaxIdentifierLength = 255;
    public const int MaxValueLength = 4096;

    /// <summary>ISO 8601 date-time with optional fraction, UTC ('Z') or with an offset; a missing offset is taken as
    /// UTC. A plain date (yyyy-MM-dd) is midnight UTC. Anything else throws "invalid {field} '…'".</summary>
    public static DateTimeOffset ParseTime(string? text, string field)
    {
        var s = text?.Trim() ?? "";
        if (s.Length is > 0 and <= 64 && s.Length >= 10 && char.IsAsciiDigit(s[0])
            && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            && LooksIso(s))
            return value.ToUniversalTime();
        throw new PermanentIngestException($"invalid {field} '{SafeArchiveExtractor.Printable(s.Length > 64 ? s[..64] : s)}' (expected an ISO 8601 UTC time such as 2006-08-16T09:09:29Z)");
    }

    /// <summary>yyyy-MM-dd, optionally followed by 'T' or ' ' and a time (DateTimeOffset.TryParse alone accepts
    /// too many free forms).</summary>
    private static bool LooksIso(string s) =>
        s.Length >= 10 && char.IsAsciiDigit(s[0]) && char.IsAsciiDigit(s[1]) && char.IsAsciiDigit(s[2]) && char.IsAsciiDigit(s[3])
        && s[4] == '-' && char.IsAsciiDigit(s[5]) && char.IsAsciiDigit(s[6]) && s[7] == '-' && char.IsAsciiDigit(s[8]) && char.IsAsciiDigit(s[9])
        && (s.Length == 10 || s[10] is 'T' or 't' or ' ');

    public static void CheckTimeOrder(DateTimeOffset begin, DateTimeOffset end)
    {
        if (end < begin)
            throw new PermanentIngestException($"endTime {end:yyyy-MM-ddTHH:mm:ss.FFFFFFFZ} is before beginTime {begin:yyyy-MM-ddTHH:mm:ss.FFFFFFFZ}");
    }

    /// <summary>Identifiers and product types end up in object keys and URLs: non-empty, at most 255 characters,
    /// no control characters, no '/', '\', and not "." or "..".</summary>
    public static string CheckIdentifier(string? value, string field)
    {
        var s = value?.Trim();
        if (string.IsNullOrEmpty(s)) throw new PermanentIngestException($"missing {field}");
        if (s.Length > MaxIdentifierLength) throw new PermanentIngestException($"{field} is longer than {MaxIdentifierLength} characters");
        foreach (var c in s)
        {
            if (char.IsControl(c) || c is '/' or '\\')
                throw new PermanentIngestException($"{field} '{SafeArchiveExtractor.Printable(s)}' contains a character that is not allowed ('/', '\\' or a control character)");
        }
        if (s is "." or "..") throw new PermanentIngestException($"{field} '{s}' is not allowed");
        return s;
    }

    /// <summary>Optional text value: trimmed, null when empty, refused when overlong or holding control characters
    /// other than whitespace.</summary>
    public static string? CheckText(string? value, string field)
    {
        var s = value?.Trim();
        if (string.IsNullOrEmpty(s)) return null;
        if (s.Length > MaxValueLength) throw new PermanentIngestException($"{field} is longer than {MaxValueLength} characters");
        foreach (var c in s)
        {
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
                throw new PermanentIngestException($"{field} contains control characters");
        }
        return s;
    }

    public static double? ParseCloudCover(string? text, string field = "cloudCover")
    {
        var s = text?.Trim();
        if (string.IsNullOrEmpty(s)) return null;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v) || v is < 0 or > 100)
            throw new PermanentIngestException($"invalid {field} '{SafeArchiveExtractor.Printable(s.Length > 64 ? s[..64] : s)}' (expected a percentage 0–100)");
        return v;
    }

    public static int? ParseInt(string? text, string field)
    {
        var s = text?.Trim();
        if (string.IsNullOrEmpty(s)) return null;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v))
            throw new PermanentIngestException($"invalid {field} '{SafeArchiveExtractor.Printable(s.Length > 64 ? s[..64] : s)}' (expected an integer)");
        return v;
    }
}
