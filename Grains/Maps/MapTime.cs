using System.Globalization;

namespace Prism.Maps;

/// <summary>
/// A TIME dimension value: an instant (<c>2006-08-16T09:09:29Z</c>, a date means the whole UTC day) or an interval
/// <c>start/end</c> (KVP) or <c>start--end</c> (WMTS REST). Both ends inclusive, UTC.
/// </summary>
public readonly record struct TimeRange(DateTimeOffset Start, DateTimeOffset End)
{
    /// <summary>Parses a TIME value; anything else is a <see cref="MapRequestException"/> <c>InvalidDimensionValue</c>.</summary>
    public static TimeRange Parse(string value)
    {
        if (TryParse(value, out var range)) return range;
        throw new MapRequestException("InvalidDimensionValue",
            $"TIME '{Short(value)}' is not an ISO 8601 instant or a start/end interval", "time");
    }

    public static bool TryParse(string? value, out TimeRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(value) || value.Length > 100) return false;
        var text = value.Trim();
        string[] parts = text.Contains("--", StringComparison.Ordinal) ? text.Split("--")
            : text.Contains('/') ? text.Split('/') : [text];
        if (parts.Length is < 1 or > 3) return false; // start/end/period: the period is ignored
        if (parts.Length == 1)
        {
            if (!TryInstant(parts[0], out var s, out var e)) return false;
            range = new TimeRange(s, e);
            return true;
        }
        if (!TryInstant(parts[0], out var start, out _) || !TryInstant(parts[1], out var endStart, out var endEnd)) return false;
        if (parts.Length == 3 && !parts[2].TrimStart().StartsWith('P')) return false;
        var end = IsDateOnly(parts[1]) ? endEnd : endStart;
        if (end < start) return false;
        range = new TimeRange(start, end);
        return true;
    }

    private static bool IsDateOnly(string s) => s.Trim().Length == 10;

    private static bool TryInstant(string s, out DateTimeOffset start, out DateTimeOffset end)
    {
        s = s.Trim();
        start = end = default;
        if (s.Length == 0) return false;
        if (IsDateOnly(s))
        {
            if (!DateTime.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day)) return false;
            start = new DateTimeOffset(day, TimeSpan.Zero);
            end = start.AddDays(1).AddTicks(-1);
            return true;
        }
        if (!char.IsAsciiDigit(s[0]) || !s.Contains('T')) return false;
        if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)) return false;
        start = end = t.ToUniversalTime();
        return true;
    }

    public bool Intersects(DateTimeOffset begin, DateTimeOffset end) => begin <= End && end >= Start;

    /// <summary><c>start/end</c> in ISO 8601 UTC (an instant when both are equal).</summary>
    public override string ToString() => Start == End ? Iso(Start) : $"{Iso(Start)}/{Iso(End)}";

    public static string Iso(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static string Interval(DateTimeOffset begin, DateTimeOffset end) => $"{Iso(begin)}/{Iso(end)}";

    private static string Short(string? s) => s is null ? "" : s.Length > 60 ? s[..60] + "…" : s;
}
