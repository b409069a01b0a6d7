using System.Globalization;
using Prism.Catalog;

namespace Prism.Gateway.OpenSearch;

/// <summary>The OpenSearch EO value syntax: <c>a</c>, <c>{a,b,…}</c>, and for numeric properties <c>[a,b]</c>,
/// <c>]a,b[</c> (and the mixed forms), <c>[a</c>, <c>]a</c> (at least / more than), <c>a]</c>, <c>a[</c> (at most /
/// less than).</summary>
public static class EoRange
{
    public const int MaxValues = 100;
    public const int MaxValueLength = 256;

    public static PropertyFilter Parse(string name, string value, bool numeric)
    {
        var v = value.Trim();
        if (v.Length == 0) throw new OpenSearchException($"{name}: empty value", name);
        if (v.Length > 4096) throw new OpenSearchException($"{name}: value too long", name);

        if (v[0] == '{')
        {
            if (v[^1] != '}' || v.Length < 3) throw new OpenSearchException($"{name}: a set is written {{a,b,…}}", name);
            var items = v[1..^1].Split(',', StringSplitOptions.TrimEntries);
            if (items.Length > MaxValues) throw new OpenSearchException($"{name}: more than {MaxValues} values", name);
            return new PropertyFilter { Values = items.Select(i => Value(name, i, numeric)).ToList() };
        }

        var opensLow = v[0] is '[' or ']';
        var closesHigh = v[^1] is '[' or ']';
        if (!opensLow && !closesHigh) return new PropertyFilter { Values = [Value(name, v, numeric)] };
        if (!numeric) throw new OpenSearchException($"{name}: ranges apply to numeric properties only", name);

        if (opensLow && closesHigh && v.Length >= 2 && v.Contains(','))
        {
            var inner = v[1..^1].Split(',', StringSplitOptions.TrimEntries);
            if (inner.Length != 2) throw new OpenSearchException($"{name}: a range is written [a,b]", name);
            var min = Number(name, inner[0]);
            var max = Number(name, inner[1]);
            var minInc = v[0] == '[';
            var maxInc = v[^1] == ']';
            if (min > max || (min == max && !(minInc && maxInc)))
                throw new OpenSearchException($"{name}: empty range '{OpenSearchException.Echo(v)}' (lower bound above upper bound)", name);
            return new PropertyFilter { Min = min, MinInclusive = minInc, Max = max, MaxInclusive = maxInc };
        }
        if (opensLow && !closesHigh)
            return new PropertyFilter { Min = Number(name, v[1..]), MinInclusive = v[0] == '[' };
        if (closesHigh && !opensLow)
            return new PropertyFilter { Max = Number(name, v[..^1]), MaxInclusive = v[^1] == ']' };
        throw new OpenSearchException($"{name}: cannot read range '{OpenSearchException.Echo(v)}'", name);
    }

    private static string Value(string name, string item, bool numeric)
    {
        if (item.Length == 0) throw new OpenSearchException($"{name}: empty value in set", name);
        if (item.Length > MaxValueLength) throw new OpenSearchException($"{name}: value longer than {MaxValueLength}", name);
        if (numeric) return Number(name, item).ToString("R", CultureInfo.InvariantCulture);
        if (item.Any(char.IsControl)) throw new OpenSearchException($"{name}: control characters are not allowed", name);
        return item;
    }

    private static double Number(string name, string text)
    {
        var t = text.Trim();
        if (t.Length == 0 || t.Length > 40
            || !double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
            throw new OpenSearchException($"{name}: '{OpenSearchException.Echo(text)}' is not a finite number", name);
        return d;
    }
}
