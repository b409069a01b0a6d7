using System.ComponentModel.DataAnnotations;

namespace Prism.Gateway.OpenSearch;

/// <summary>Configuration of the OpenSearch interface (section <c>Prism:OpenSearch</c>).</summary>
public sealed class OpenSearchOptions
{
    public const string Section = "Prism:OpenSearch";

    /// <summary>Base URL written into descriptions and links; null = the <c>Prism:Ows:PublicBaseUrl</c>, else taken
    /// from each request (scheme, host, path base).</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>OSDD ShortName (at most 16 characters, as the OpenSearch grammar requires).</summary>
    [StringLength(16, MinimumLength = 1)] public string ShortName { get; set; } = "Prism";
    [StringLength(48)] public string LongName { get; set; } = "Prism view server catalog";
    [StringLength(1024)] public string Description { get; set; } = "Earth-observation products and collections of the Prism view server";
    [StringLength(256)] public string Tags { get; set; } = "EO products collections";
    [StringLength(64)] public string Developer { get; set; } = "Prism.Orleans";
    [StringLength(256)] public string Attribution { get; set; } = "Prism.Orleans";
    /// <summary>Contact e-mail (optional; must contain '@').</summary>
    public string? Contact { get; set; }

    /// <summary>Results per page when <c>count</c> is not given.</summary>
    [Range(1, 10_000)] public int DefaultCount { get; set; } = 50;
    /// <summary>Largest <c>count</c> accepted; more is refused with 400.</summary>
    [Range(1, 10_000)] public int MaxCount { get; set; } = 500;
    /// <summary>Largest 1-based <c>startIndex</c> (deep paging guard).</summary>
    [Range(1, int.MaxValue)] public int MaxStartIndex { get; set; } = 10_000_000;

    /// <summary>Longest <c>geom</c> WKT accepted (characters).</summary>
    [Range(16, 10_000_000)] public int MaxGeometryLength { get; set; } = 100_000;
    /// <summary>Most coordinates in a <c>geom</c> WKT.</summary>
    [Range(1, 1_000_000)] public int MaxGeometryPoints { get; set; } = 5_000;
    /// <summary>Largest <c>radius</c> in metres.</summary>
    [Range(1, 20_100_000)] public double MaxRadius { get; set; } = 5_000_000;
    /// <summary>Vertices of the polygon approximating a <c>lat</c>/<c>lon</c>/<c>radius</c> circle.</summary>
    [Range(8, 720)] public int CircleVertices { get; set; } = 64;

    /// <summary>The OSDD options (distinct platforms, instruments, …) are read from at most this many products of a
    /// collection, and cached for <see cref="OptionsCacheSeconds"/>.</summary>
    [Range(0, 1_000_000)] public int OptionsScanLimit { get; set; } = 10_000;
    [Range(0, 86_400)] public int OptionsCacheSeconds { get; set; } = 30;
}
