using System.ComponentModel.DataAnnotations;

namespace Prism.Gateway.Ows;

/// <summary>Configuration of the OGC services (section <c>Prism:Ows</c>).</summary>
public sealed class OwsOptions
{
    public const string Section = "Prism:Ows";

    /// <summary>Base URL written into capabilities (e.g. <c>https://maps.example.org</c>); null = taken from each request
    /// (scheme, host and path base).</summary>
    public string? PublicBaseUrl { get; set; }

    public string Title { get; set; } = "Prism view server";
    public string Abstract { get; set; } = "Earth-observation browse maps (WMS 1.3.0, WMTS 1.0.0)";
    public string[] Keywords { get; set; } = ["Earth Observation", "WMS", "WMTS"];
    public string ProviderName { get; set; } = "Prism.Orleans";
    public string? ProviderSite { get; set; }
    public string? ContactPerson { get; set; }
    public string? ContactEmail { get; set; }
    public string Fees { get; set; } = "none";
    public string AccessConstraints { get; set; } = "none";

    /// <summary>Largest WMS GetMap WIDTH accepted (also advertised as MaxWidth).</summary>
    [Range(1, 65536)] public int MaxWidth { get; set; } = 4096;
    /// <summary>Largest WMS GetMap HEIGHT accepted (also advertised as MaxHeight).</summary>
    [Range(1, 65536)] public int MaxHeight { get; set; } = 4096;

    /// <summary>Cache-Control max-age of tiles requested with an explicit TIME.</summary>
    [Range(0, int.MaxValue)] public int TileMaxAgeSeconds { get; set; } = 3600;
    /// <summary>Cache-Control max-age of tiles and maps requested without TIME (the default time moves when products arrive).</summary>
    [Range(0, int.MaxValue)] public int DefaultTimeMaxAgeSeconds { get; set; } = 60;
    /// <summary>Cache-Control max-age of WMS GetMap images with an explicit TIME.</summary>
    [Range(0, int.MaxValue)] public int MapMaxAgeSeconds { get; set; } = 300;

    /// <summary>Publish TileMatrixSetLimits (per layer and zoom, from its WGS84 bounding box) in the WMTS capabilities.</summary>
    public bool TileMatrixSetLimits { get; set; } = true;
}
