using System.Globalization;
using System.Text;

namespace Prism.Catalog;

/// <summary>
/// A <see cref="ProductQuery"/> checked and normalised once, so both catalog implementations apply the same
/// semantics. Rules for the edge cases (documented here, tested by the contract suite):
/// <list type="bullet">
/// <item>Geometry: <see cref="ProductQuery.GeometryWkt"/> is parsed by <see cref="QueryGeometry.Parse"/> (size and
/// vertex limits, finite lon/lat in range, valid rings) and refused with <see cref="ArgumentException"/> otherwise.
/// With <see cref="GeoRelation.Intersects"/> the bbox keeps its envelope test (split at the antimeridian); with any
/// other relation it is taken as its polygon(s) (<see cref="QueryGeometry.FromBbox"/>). Bbox and geometry both
/// given: both must hold, each with the same relation.</item>
/// <item>Time: an inverted interval (Start &gt; End) matches nothing, whatever the relation. With one bound only, a
/// relation keeps the conditions on that bound: Intersects end ≥ Start / begin ≤ End; During begin ≥ Start /
/// end ≤ End; Disjoint end &lt; Start / begin &gt; End; Equals begin = Start / end = End; Contains (a product
/// cannot contain an unbounded interval) takes the bound as an instant: begin ≤ t ≤ end.</item>
/// <item>Lists (<see cref="ProductQuery.Collections"/>, <see cref="PropertyFilter.Values"/>) that are empty match
/// nothing, like an empty <see cref="ProductQuery.Identifiers"/>; null entries are refused.</item>
/// <item>Property filters: names are case-sensitive (unknown → <see cref="ArgumentException"/>). Text properties
/// take <see cref="PropertyFilter.Values"/> only (exact, case-sensitive); a range on them is refused. Numeric
/// properties (cloudCover, orbitNumber) take values (invariant-culture numbers, else refused) and/or a range; when
/// both are given both must hold. A range with Min &gt; Max (or an empty exclusive range) matches nothing; NaN or
/// infinite bounds are refused. A product without the property never matches a filter on it. A filter with
/// neither values nor bounds does not filter.</item>
/// <item>Text: case-insensitive substring (LIKE metacharacters are literal) of identifier, product type, platform or
/// instrument; an empty text does not filter. Case folding is ASCII on SQLite and the database's on PostgreSQL
/// (they differ only for non-ASCII letters).</item>
/// </list>
/// </summary>
internal sealed class SearchPlan
{
    /// <summary>Longest <see cref="ProductQuery.Text"/> accepted.</summary>
    internal const int MaxTextLength = 1000;

    /// <summary>Most entries in one list (collections, property values).</summary>
    internal const int MaxListLength = 1000;

    internal sealed record TextFilter(string Column, IReadOnlyList<string> Values);

    internal sealed record NumericFilter(string Column, IReadOnlyList<double>? Values, double? Min, bool MinInclusive,
        double? Max, bool MaxInclusive);

    /// <summary>Text property name → column (both schemas use the same column names).</summary>
    private static readonly Dictionary<string, string> TextColumns = new(StringComparer.Ordinal)
    {
        ["productType"] = "product_type",
        ["platform"] = "platform",
        ["instrument"] = "instrument",
        ["sensorType"] = "sensor_type",
        ["orbitDirection"] = "orbit_direction",
        ["acquisitionType"] = "acquisition_type",
        ["processingCenter"] = "processing_center",
        ["status"] = "status",
    };

    private static readonly Dictionary<string, string> NumericColumns = new(StringComparer.Ordinal)
    {
        ["cloudCover"] = "cloud_cover",
        ["orbitNumber"] = "orbit_number",
    };

    /// <summary>The query can match no product (an empty list, an inverted interval or range).</summary>
    public bool MatchesNothing { get; private set; }

    /// <summary>Boxes any of which the footprint must intersect (bbox with <see cref="GeoRelation.Intersects"/>).</summary>
    public IReadOnlyList<GeoBox>? IntersectBoxes { get; private set; }

    /// <summary>Geometries the footprint must each relate to by <see cref="Relation"/>.</summary>
    public IReadOnlyList<QueryGeometry> Geometries { get; private set; } = [];

    public GeoRelation Relation { get; private set; }

    public DateTime? Start { get; private set; }
    public DateTime? End { get; private set; }
    public TimeRelation TimeRelation { get; private set; }

    /// <summary>Collection names, each list a condition "member of any of these"; all conditions must hold.</summary>
    public IReadOnlyList<IReadOnlyList<string>> CollectionSets { get; private set; } = [];

    public IReadOnlyList<TextFilter> TextFilters { get; private set; } = [];
    public IReadOnlyList<NumericFilter> NumericFilters { get; private set; } = [];

    /// <summary>A LIKE pattern (escape character backslash) for <see cref="ProductQuery.Text"/>, or null.</summary>
    public string? TextPattern { get; private set; }

    /// <exception cref="ArgumentException">The query is malformed.</exception>
    public static SearchPlan Create(ProductQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var plan = new SearchPlan { Relation = query.Relation, TimeRelation = query.TimeRelation };
        if (!Enum.IsDefined(query.Relation))
            throw new ArgumentException($"Unknown geometry relation {(int)query.Relation}.", nameof(query));
        if (!Enum.IsDefined(query.TimeRelation))
            throw new ArgumentException($"Unknown time relation {(int)query.TimeRelation}.", nameof(query));

        var geometries = new List<QueryGeometry>();
        if (query.Bbox is not null)
        {
            if (query.Relation == GeoRelation.Intersects) plan.IntersectBoxes = GeoBox.FromQueryBbox(query.Bbox);
            else geometries.Add(QueryGeometry.FromBbox(query.Bbox));
        }
        if (query.GeometryWkt is not null) geometries.Add(QueryGeometry.Parse(query.GeometryWkt));
        plan.Geometries = geometries;

        if (query.Start is { } start) plan.Start = CatalogCodec.ToUtc(start);
        if (query.End is { } end) plan.End = CatalogCodec.ToUtc(end);
        if (plan.Start > plan.End) plan.MatchesNothing = true;

        var sets = new List<IReadOnlyList<string>>();
        if (query.Collection is not null) sets.Add([query.Collection]);
        if (query.Collections is not null) sets.Add(CheckList(query.Collections, "Collections"));
        if (sets.Any(s => s.Count == 0)) plan.MatchesNothing = true;
        plan.CollectionSets = sets;

        if (query.Identifiers is not null && query.Identifiers.Count == 0) plan.MatchesNothing = true;

        var texts = new List<TextFilter>();
        var numbers = new List<NumericFilter>();
        foreach (var (name, filter) in query.Properties ?? new Dictionary<string, PropertyFilter>())
        {
            if (filter is null) throw new ArgumentException($"Property filter '{name}' is null.", nameof(query));
            if (TextColumns.TryGetValue(name, out var textColumn))
            {
                if (filter.Min is not null || filter.Max is not null)
                    throw new ArgumentException($"Property '{name}' is text and takes no range.", nameof(query));
                if (filter.Values is null) continue;
                var values = CheckList(filter.Values, name);
                if (values.Count == 0) plan.MatchesNothing = true;
                texts.Add(new TextFilter(textColumn, values));
            }
            else if (NumericColumns.TryGetValue(name, out var numericColumn))
            {
                List<double>? values = null;
                if (filter.Values is not null)
                {
                    values = [];
                    foreach (var v in CheckList(filter.Values, name))
                    {
                        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) || !double.IsFinite(d))
                            throw new ArgumentException($"Property '{name}' takes numbers; '{Shorten(v)}' is not one.", nameof(query));
                        values.Add(d);
                    }
                    if (values.Count == 0) plan.MatchesNothing = true;
                }
                if (filter.Min is { } min && !double.IsFinite(min))
                    throw new ArgumentException($"Property '{name}' has a non-finite lower bound.", nameof(query));
                if (filter.Max is { } max && !double.IsFinite(max))
                    throw new ArgumentException($"Property '{name}' has a non-finite upper bound.", nameof(query));
                if (filter.Min is { } lo && filter.Max is { } hi &&
                    (lo > hi || (lo == hi && (!filter.MinInclusive || !filter.MaxInclusive))))
                    plan.MatchesNothing = true;
                if (values is null && filter.Min is null && filter.Max is null) continue;
                numbers.Add(new NumericFilter(numericColumn, values, filter.Min, filter.MinInclusive, filter.Max, filter.MaxInclusive));
            }
            else
            {
                throw new ArgumentException($"Unknown property '{Shorten(name)}'.", nameof(query));
            }
        }
        plan.TextFilters = texts;
        plan.NumericFilters = numbers;

        if (!string.IsNullOrEmpty(query.Text))
        {
            if (query.Text.Length > MaxTextLength)
                throw new ArgumentException($"The search text is longer than {MaxTextLength} characters.", nameof(query));
            plan.TextPattern = "%" + EscapeLike(query.Text) + "%";
        }
        return plan;
    }

    /// <summary>Escapes LIKE metacharacters with a backslash (the escape character both backends are given).</summary>
    internal static string EscapeLike(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '%' or '_') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }

    private static IReadOnlyList<string> CheckList(IReadOnlyList<string> list, string what)
    {
        if (list.Count > MaxListLength)
            throw new ArgumentException($"{what} has more than {MaxListLength} entries.", nameof(list));
        foreach (var item in list)
            if (item is null) throw new ArgumentException($"{what} has a null entry.", nameof(list));
        return list.Distinct(StringComparer.Ordinal).ToList();
    }

    private static string Shorten(string s) => s.Length <= 64 ? s : s[..64] + "…";

    /// <summary>Appends the SQL of a time relation over <c>p.begin_time</c>/<c>p.end_time</c>; <paramref name="start"/>
    /// and <paramref name="end"/> are parameter placeholders (null = unbounded), the same for both catalogs.</summary>
    public static void AppendTimeClause(System.Text.StringBuilder sql, TimeRelation relation, string? start, string? end)
    {
        switch (relation)
        {
            case TimeRelation.Intersects:
                if (start is not null) sql.Append($" AND p.end_time >= {start}");
                if (end is not null) sql.Append($" AND p.begin_time <= {end}");
                break;
            case TimeRelation.Contains:
                if (start is not null || end is not null)
                    sql.Append($" AND p.begin_time <= {start ?? end} AND p.end_time >= {end ?? start}");
                break;
            case TimeRelation.During:
                if (start is not null) sql.Append($" AND p.begin_time >= {start}");
                if (end is not null) sql.Append($" AND p.end_time <= {end}");
                break;
            case TimeRelation.Disjoint:
                if (start is not null && end is not null) sql.Append($" AND (p.end_time < {start} OR p.begin_time > {end})");
                else if (start is not null) sql.Append($" AND p.end_time < {start}");
                else if (end is not null) sql.Append($" AND p.begin_time > {end}");
                break;
            case TimeRelation.Equals:
                if (start is not null) sql.Append($" AND p.begin_time = {start}");
                if (end is not null) sql.Append($" AND p.end_time = {end}");
                break;
        }
    }
}
