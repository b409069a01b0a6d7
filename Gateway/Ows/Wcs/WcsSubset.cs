using System.Globalization;
using System.Text.RegularExpressions;

namespace Prism.Gateway.Ows.Wcs;

/// <summary>
/// One KVP <c>subset</c> value: <c>axis(low,high)</c> (trim; <c>*</c> = open end), <c>axis(value)</c> (slice), or the
/// WCS 2.0.0 form <c>axis,crsUri(…)</c>. Values may be quoted (times are: <c>phenomenonTime("2006-08-16","2006-08-17")</c>).
/// </summary>
public sealed partial record WcsSubset(string Axis, string? Crs, string? Low, string? High, bool IsSlice)
{
    [GeneratedRegex(@"^\s*([A-Za-z_][\w.\-]*)\s*(?:,\s*([^()]+?)\s*)?\(\s*([^(),]*?)\s*(?:,\s*([^(),]*?)\s*)?\)\s*$")]
    private static partial Regex Pattern();

    /// <summary>Parses one value; InvalidEncodingSyntax (400) when it is not of the form above.</summary>
    public static WcsSubset Parse(string value, string locator = "subset")
    {
        var m = Pattern().Match(value);
        if (!m.Success)
            throw WcsExceptionCode.Error(WcsExceptionCode.InvalidEncodingSyntax, $"subset '{OwsTime.Truncate(value)}' is not axis(low,high) or axis(value)", locator);
        var low = Unquote(m.Groups[3].Value);
        if (!m.Groups[4].Success)
        {
            if (low is null)
                throw WcsExceptionCode.Error(WcsExceptionCode.InvalidEncodingSyntax, $"subset '{OwsTime.Truncate(value)}' slices at no value", locator);
            return new(m.Groups[1].Value, m.Groups[2].Success ? m.Groups[2].Value : null, low, low, true);
        }
        return new(m.Groups[1].Value, m.Groups[2].Success ? m.Groups[2].Value : null, low, Unquote(m.Groups[4].Value), false);
    }

    private static string? Unquote(string s)
    {
        s = s.Trim();
        if (s.Length >= 2 && s[0] == '"' && s[^1] == '"') s = s[1..^1].Trim();
        return s is "" or "*" ? null : s;
    }

    /// <summary>The bounds as numbers (null = open); InvalidSubsetting when one is not a finite number.</summary>
    public (double? Low, double? High) Numbers()
    {
        return (N(Low), N(High));
        double? N(string? s)
        {
            if (s is null) return null;
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) return v;
            throw WcsExceptionCode.Error(WcsExceptionCode.InvalidSubsetting, $"'{OwsTime.Truncate(s)}' is not a number on axis {Axis}", Axis);
        }
    }

    /// <summary>The bounds as instants (null = open); InvalidSubsetting when one is not an ISO 8601 time.</summary>
    public (DateTimeOffset? Low, DateTimeOffset? High) Times()
    {
        return (T(Low), T(High));
        DateTimeOffset? T(string? s)
        {
            if (s is null) return null;
            if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)) return t;
            throw WcsExceptionCode.Error(WcsExceptionCode.InvalidSubsetting, $"'{OwsTime.Truncate(s)}' is not an ISO 8601 time on axis {Axis}", Axis);
        }
    }
}
