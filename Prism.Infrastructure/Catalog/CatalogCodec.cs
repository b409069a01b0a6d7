using System.Text.Json;
using System.Text.Json.Serialization;

namespace Prism.Catalog;

/// <summary>Validation and (de)serialisation shared by the catalog implementations, so both store the same values.</summary>
internal static class CatalogCodec
{
    private static readonly JsonSerializerOptions Json = new()
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
    };

    /// <summary>A product checked for registration: its parsed footprint and its distinct collections.</summary>
    internal sealed record ValidProduct(ProductRecord Product, Footprint Footprint, IReadOnlyList<string> Collections,
        DateTime BeginUtc, DateTime EndUtc);

    /// <exception cref="ArgumentException">The record cannot be stored.</exception>
    internal static ValidProduct Validate(ProductRecord product)
    {
        ArgumentNullException.ThrowIfNull(product);
        if (string.IsNullOrEmpty(product.Identifier)) throw new ArgumentException("The product has no identifier.", nameof(product));
        if (string.IsNullOrEmpty(product.ProductType))
            throw new ArgumentException($"Product '{product.Identifier}' has no product type.", nameof(product));
        var begin = ToUtc(product.BeginTime);
        var end = ToUtc(product.EndTime);
        if (end < begin)
            throw new ArgumentException($"Product '{product.Identifier}' ends before it begins.", nameof(product));
        Footprint footprint;
        try
        {
            footprint = Footprint.Parse(product.FootprintWkt ?? throw new FormatException("The footprint is missing."));
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"Product '{product.Identifier}': {e.Message}", nameof(product), e);
        }
        if (product.CloudCover is { } cc && !double.IsFinite(cc))
            throw new ArgumentException($"Product '{product.Identifier}' has a non-finite cloud cover.", nameof(product));

        var collections = new List<string>();
        foreach (var c in product.Collections ?? [])
        {
            if (string.IsNullOrEmpty(c)) throw new ArgumentException($"Product '{product.Identifier}' names an empty collection.", nameof(product));
            if (!collections.Contains(c, StringComparer.Ordinal)) collections.Add(c);
        }

        var coverageIds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var coverage in product.Coverages ?? [])
        {
            if (coverage is null || string.IsNullOrEmpty(coverage.Identifier))
                throw new ArgumentException($"Product '{product.Identifier}' has a coverage without identifier.", nameof(product));
            if (!coverageIds.Add(coverage.Identifier))
                throw new ArgumentException($"Product '{product.Identifier}' has two coverages named '{coverage.Identifier}'.", nameof(product));
            if (coverage.GeoTransform is null || coverage.GeoTransform.Count != 6)
                throw new ArgumentException($"Coverage '{coverage.Identifier}' needs a geotransform of 6 numbers.", nameof(product));
            if (coverage.Width <= 0 || coverage.Height <= 0)
                throw new ArgumentException($"Coverage '{coverage.Identifier}' has no pixels.", nameof(product));
            if (coverage.Location is null || coverage.Crs is null || coverage.Bands is null || coverage.Bands.Any(b => b is null))
                throw new ArgumentException($"Coverage '{coverage.Identifier}' is incomplete.", nameof(product));
        }
        foreach (var browse in product.Browses ?? [])
            if (browse is null || string.IsNullOrEmpty(browse.Type) || browse.Location is null)
                throw new ArgumentException($"Product '{product.Identifier}' has an incomplete browse.", nameof(product));

        return new ValidProduct(product, footprint, collections, begin, end);
    }

    /// <summary>UTC, truncated to whole microseconds (the precision both stores keep).</summary>
    internal static DateTime ToUtc(DateTimeOffset t)
    {
        var utc = t.UtcDateTime;
        return new DateTime(utc.Ticks - utc.Ticks % 10, DateTimeKind.Utc);
    }

    internal static DateTimeOffset FromUtc(DateTime t) =>
        new(DateTime.SpecifyKind(t, DateTimeKind.Utc), TimeSpan.Zero);

    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;

    internal static long ToUnixMicros(DateTimeOffset t) => (ToUtc(t).Ticks - EpochTicks) / 10;

    internal static DateTimeOffset FromUnixMicros(long micros) =>
        new(EpochTicks + micros * 10, TimeSpan.Zero);

    private sealed record BandJson(string Name, string DataType, double? NoData);

    internal static string BandsToJson(IReadOnlyList<BandRecord> bands) =>
        JsonSerializer.Serialize(bands.Select(b => new BandJson(b.Name, b.DataType, b.NoData)).ToList(), Json);

    internal static IReadOnlyList<BandRecord> BandsFromJson(string json) =>
        (JsonSerializer.Deserialize<List<BandJson>>(json, Json) ?? [])
        .Select(b => new BandRecord(b.Name, b.DataType, b.NoData)).ToList();

    internal static string PropertiesToJson(IReadOnlyDictionary<string, string>? properties) =>
        JsonSerializer.Serialize(properties ?? new Dictionary<string, string>(), Json);

    internal static IReadOnlyDictionary<string, string> PropertiesFromJson(string? json) =>
        string.IsNullOrEmpty(json) || json == "{}"
            ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize<Dictionary<string, string>>(json, Json) ?? new Dictionary<string, string>();

    internal static string NumbersToJson(IReadOnlyList<double> numbers) => JsonSerializer.Serialize(numbers, Json);

    internal static IReadOnlyList<double> NumbersFromJson(string json) =>
        JsonSerializer.Deserialize<List<double>>(json, Json) ?? [];

    internal static void ValidatePaging(ProductQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit < 0) throw new ArgumentOutOfRangeException(nameof(query), "Limit is negative.");
        if (query.Offset < 0) throw new ArgumentOutOfRangeException(nameof(query), "Offset is negative.");
    }
}
