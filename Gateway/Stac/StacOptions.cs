using System.ComponentModel.DataAnnotations;

namespace Prism.Gateway.Stac;

/// <summary>The STAC API (<c>Prism:Stac</c>).</summary>
public sealed class StacOptions
{
    public const string Section = "Prism:Stac";

    /// <summary>Identifier of the landing page catalog (default <c>prism</c>).</summary>
    public string CatalogId { get; set; } = "prism";

    public string Title { get; set; } = "Prism.Orleans STAC API";

    public string Description { get; set; } = "Earth-observation products of the Prism.Orleans view server.";

    /// <summary>SPDX license of the collections, or <c>proprietary</c> (default) or <c>various</c>.</summary>
    public string License { get; set; } = "proprietary";

    /// <summary>Items per page when the request names no <c>limit</c> (default 10).</summary>
    [Range(1, 100_000)]
    public int DefaultLimit { get; set; } = 10;

    /// <summary>Largest page: a larger <c>limit</c> is lowered to it, as OGC API Features requires (default 1000).</summary>
    [Range(1, 100_000)]
    public int MaxLimit { get; set; } = 1000;

    /// <summary>Largest paging offset accepted in a <c>token</c> (default 10 000 000).</summary>
    [Range(1, int.MaxValue)]
    public int MaxOffset { get; set; } = 10_000_000;

    /// <summary>Most entries in <c>ids</c> or <c>collections</c> (default 1000).</summary>
    [Range(1, 100_000)]
    public int MaxListEntries { get; set; } = 1000;

    /// <summary>Largest POST /search body in bytes (default 1 MiB).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most vertices of an <c>intersects</c> geometry (default 10 000).</summary>
    [Range(1, 1_000_000)]
    public int MaxVertices { get; set; } = 10_000;

    /// <summary>How long a collection's computed extent and summaries are reused (seconds, default 60). They are
    /// recomputed at once when the collection's product count or time range changes.</summary>
    [Range(0, 86_400)]
    public int CollectionCacheSeconds { get; set; } = 60;

    /// <summary>Base URL written into links (e.g. <c>https://eo.example.org</c>); empty = taken from the request.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Optional titles/descriptions/licenses per collection identifier.</summary>
    public Dictionary<string, StacCollectionOptions> Collections { get; set; } = new(StringComparer.Ordinal);
}

public sealed class StacCollectionOptions
{
    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? License { get; set; }
}
