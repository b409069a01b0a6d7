using System.Globalization;
using System.Text.RegularExpressions;

namespace Prism.Gateway.Ows;

/// <summary>
/// The TIME parameter: an ISO 8601 instant or a <c>start/end</c> interval. REST paths carry the interval as
/// <c>start--end</c> (or as two path segments); a <c>+</c> of a UTC offset arrives as a space from a query string.
/// <c>default</c>, <c>current</c> and an empty value mean the layer's default time (null).
/// </summary>
public static partial class OwsTime
{
    [GeneratedRegex(@"^(?<y>\d{4})(-(?<mo>\d{2})(-(?<d>\d{2})([T ](?<h>\d{2})(:(?<mi>\d{2})(:(?<s>\d{2})(\.\d{1,9})?)?)?(?<tz>Z|[+-]\d{2}(:?\d{2})?)?)?)?)?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Iso8601();

    /// <summary>The normalised value (<c>start/end</c> or an instant), or null for the default time.
    /// Malformed → InvalidDimensionValue with <paramref name="locator"/>.</summary>
    public static string? Normalise(string? value, string locator = "time")
    {
        if (value is null) return null;
        var v = value.Trim();
        if (v.Length == 0 || v.Equals("default", StringComparison.OrdinalIgnoreCase) || v.Equals("current", StringComparison.OrdinalIgnoreCase))
            return null;
        v = v.Replace(' ', '+').Replace("--", "/", StringComparison.Ordinal);
        var parts = v.Split('/');
        if (parts.Length > 2 || parts.Any(p => p.Length == 0))
            throw Invalid(value, locator, "expected an ISO 8601 instant or start/end interval");
        var start = ParseInstant(parts[0]) ?? throw Invalid(value, locator, "not an ISO 8601 time");
        if (parts.Length == 2)
        {
            var end = ParseInstant(parts[1]) ?? throw Invalid(value, locator, "not an ISO 8601 time");
            if (end < start) throw Invalid(value, locator, "the interval ends before it starts");
        }
        return v;
    }

    /// <summary>Parses one ISO 8601 instant (year to fractional seconds, optional zone; UTC assumed), or null.</summary>
    public static DateTimeOffset? ParseInstant(string s)
    {
        var m = Iso8601().Match(s);
        if (!m.Success) return null;
        int G(string n, int dflt) => m.Groups[n].Success ? int.Parse(m.Groups[n].Value, CultureInfo.InvariantCulture) : dflt;
        int year = G("y", 1), month = G("mo", 1), day = G("d", 1), hour = G("h", 0), minute = G("mi", 0), second = G("s", 0);
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return null;
        var offset = TimeSpan.Zero;
        var tz = m.Groups["tz"].Value;
        if (tz.Length > 1)
        {
            var digits = tz[1..].Replace(":", "", StringComparison.Ordinal);
            var oh = int.Parse(digits[..2], CultureInfo.InvariantCulture);
            var om = digits.Length == 4 ? int.Parse(digits[2..], CultureInfo.InvariantCulture) : 0;
            if (oh > 14 || om > 59) return null;
            offset = new TimeSpan(oh, om, 0) * (tz[0] == '-' ? -1 : 1);
        }
        return new DateTimeOffset(year, month, day, hour, minute, second, offset);
    }

    /// <summary>Whether a normalised TIME value intersects one of the advertised values (instants or intervals).</summary>
    public static bool Intersects(string time, IEnumerable<string> values)
    {
        var (s, e) = Range(time);
        foreach (var v in values)
        {
            var parts = v.Split('/');
            var vs = ParseInstant(parts[0].Trim());
            var ve = parts.Length > 1 ? ParseInstant(parts[1].Trim()) : vs;
            if (vs is null || ve is null) return true; // a value we cannot read: let the backend decide
            if (s <= ve && vs <= e) return true;
        }
        return false;
    }

    private static (DateTimeOffset Start, DateTimeOffset End) Range(string time)
    {
        var parts = time.Split('/');
        var s = ParseInstant(parts[0])!.Value;
        return (s, parts.Length > 1 ? ParseInstant(parts[1])!.Value : s);
    }

    private static OwsException Invalid(string value, string locator, string why) =>
        new(OwsExceptionCode.InvalidDimensionValue, $"Invalid TIME '{Truncate(value)}': {why}", locator);

    internal static string Truncate(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
