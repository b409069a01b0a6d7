using System.Globalization;

namespace Prism.Maps;

/// <summary>
/// Map services (section <c>Prism:Maps</c>): styles as data, which styles each collection offers, seeding zooms,
/// limits and cache sizes.
/// </summary>
public sealed class MapsOptions
{
    public const string Section = "Prism:Maps";

    /// <summary>Styles by name (in addition to, or replacing, the built-in <c>TRUE_COLOR</c>, <c>GREY</c>, <c>VIRIDIS</c>).</summary>
    public Dictionary<string, StyleOptions> Styles { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Styles per collection. A collection not listed gets <c>TRUE_COLOR</c> (default) and <c>GREY</c> when
    /// its coverages have 3 or more bands, otherwise <c>GREY</c> (default) and <c>VIRIDIS</c>.</summary>
    public Dictionary<string, CollectionMapOptions> Collections { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Highest zoom seeded per tile matrix set (default 6 for both; seeding starts at 0).</summary>
    public Dictionary<string, int> MaxZoom { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Largest WMS GetMap WIDTH/HEIGHT (default 4096).</summary>
    public int MaxMapSize { get; set; } = 4096;

    /// <summary>Tile bytes kept in grain memory per silo, at most (default 128 MiB); beyond it tiles are served from the store.</summary>
    public long MemoryCacheBytes { get; set; } = 128L << 20;

    /// <summary>Tiles kept in grain memory per silo, at most (default 50 000).</summary>
    public int MemoryCacheEntries { get; set; } = 50_000;

    /// <summary>How long the layer list and the per-collection product snapshot are reused (default 5 s). Time
    /// resolution of tiles uses the snapshot, so a registration shows in tiles at most this late.</summary>
    public TimeSpan LayerCacheTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Tile requests in flight per seed job (default 4).</summary>
    public int SeedConcurrency { get; set; } = 4;

    /// <summary>Seed every style of a collection, not only its default one (default false: the other styles are
    /// rendered on first request; a whole-world product at zoom 0–6 is ≈16 000 tiles per style).</summary>
    public bool SeedAllStyles { get; set; }

    /// <summary>
    /// Seeding renders blocks of n×n tiles (metatiles) in one warp each, like <c>mapcache_seed</c>'s metatiles, and
    /// stores the cut tiles under the tile grains' keys (default 4; 1 = tile by tile through the tile grains).
    /// </summary>
    public int SeedMetatile { get; set; } = 4;

    /// <summary>
    /// Render a seed metatile in ONE warp and cut it (default false: each tile of the metatile is warped on its own).
    /// One warp costs less per tile, but GDAL's approximate transformer (0.125 px, the gdalwarp default) interpolates
    /// over the metatile's rows instead of each tile's, so a cut tile picks a different nearest source pixel than the
    /// single-tile render (what serving and gdalwarp give) on a share of its pixels — measured on the 10 m synthetic
    /// COG in EPSG:3857: none at z8, ≈0.01–0.03 % at z10–12, ≈5–6 % at z13–14, by up to ≈28 DN.
    /// </summary>
    public bool SeedOneWarp { get; set; }

    /// <summary>Open GDAL datasets kept idle for reuse by the renderer, per silo (default 16; 0 = open per render).
    /// Each keeps its file open and its decompressed blocks in GDAL's (bounded) block cache.</summary>
    public int DatasetPoolSize { get; set; } = 16;

    /// <summary>A seed job persists its progress after every this many tiles (default 64).</summary>
    public int SeedProgressEvery { get; set; } = 64;

    /// <summary>Outline colour of <c>__outlines</c> layers, <c>#RRGGBB</c> or <c>#RRGGBBAA</c> (default blue).</summary>
    public string OutlineColor { get; set; } = "#0000FFFF";

    public const int DefaultMaxZoom = 6;

    public int SeedMaxZoom(TileMatrixSet tms) =>
        Math.Min(MaxZoom.TryGetValue(tms.Identifier, out var z) ? z : DefaultMaxZoom, tms.MaxZoom);

    public uint OutlineRgba => ParseColor(OutlineColor);

    public static uint ParseColor(string color)
    {
        var hex = color.Trim().TrimStart('#');
        if (hex.Length == 6) hex += "FF";
        if (hex.Length != 8 || !uint.TryParse(hex, NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var v))
            throw new FormatException($"'{color}' is not a #RRGGBB or #RRGGBBAA colour");
        return v;
    }

    /// <summary>The built-in styles (configured styles of the same name replace them).</summary>
    public static IReadOnlyList<StyleDefinition> BuiltInStyles { get; } =
    [
        new() { Name = "TRUE_COLOR", Title = "True colour (bands 1, 2, 3)", Bands = [1, 2, 3] },
        new() { Name = "GREY", Title = "Grey (band 1, 2–98 % range)", Bands = [1] },
        new()
        {
            Name = "VIRIDIS", Title = "Colour ramp (band 1, 2–98 % range)", Bands = [1],
            Ramp = [new(0, "#440154"), new(0.25, "#3B528B"), new(0.5, "#21908C"), new(0.75, "#5DC963"), new(1, "#FDE725")],
        },
    ];

    /// <summary>Every style by name: the built-in ones overridden/extended by configuration.</summary>
    public IReadOnlyDictionary<string, StyleDefinition> AllStyles()
    {
        var all = BuiltInStyles.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, o) in Styles) all[name] = o.ToDefinition(name);
        return all;
    }

    /// <summary>Checks the configuration; returns the problems.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxMapSize is < 1 or > 16384) errors.Add($"Prism:Maps:MaxMapSize must be 1–16384 (is {MaxMapSize})");
        if (SeedConcurrency < 1) errors.Add("Prism:Maps:SeedConcurrency must be at least 1");
        if (SeedMetatile is < 1 or > 16) errors.Add($"Prism:Maps:SeedMetatile must be 1–16 (is {SeedMetatile})");
        if (DatasetPoolSize is < 0 or > 1024) errors.Add($"Prism:Maps:DatasetPoolSize must be 0–1024 (is {DatasetPoolSize})");
        if (SeedProgressEvery < 1) errors.Add("Prism:Maps:SeedProgressEvery must be at least 1");
        try { _ = OutlineRgba; } catch (FormatException e) { errors.Add($"Prism:Maps:OutlineColor: {e.Message}"); }
        foreach (var (name, style) in Styles)
        {
            if (!IsValidStyleName(name)) errors.Add($"Prism:Maps:Styles:{name}: style names are letters, digits and '_'");
            if (style.Bands is not { Count: 1 or 3 }) errors.Add($"Prism:Maps:Styles:{name}: Bands needs 1 or 3 band numbers");
            else if (style.Bands.Any(b => b < 1)) errors.Add($"Prism:Maps:Styles:{name}: band numbers start at 1");
            foreach (var stop in style.Ramp ?? [])
                try { ParseColor(stop.Color); } catch (FormatException e) { errors.Add($"Prism:Maps:Styles:{name}:Ramp: {e.Message}"); }
            foreach (var r in style.Ranges ?? [])
                if (r is not { Length: 2 }) errors.Add($"Prism:Maps:Styles:{name}:Ranges: each range is [min, max]");
        }
        var styles = AllStyles();
        foreach (var (collection, c) in Collections)
        foreach (var s in c.Styles.Append(c.DefaultStyle ?? ""))
            if (s.Length > 0 && !styles.ContainsKey(s)) errors.Add($"Prism:Maps:Collections:{collection}: unknown style '{s}'");
        return errors;
    }

    public static bool IsValidStyleName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !name.Contains("__");
}

/// <summary>A style in configuration (<c>Prism:Maps:Styles:{NAME}</c>).</summary>
public sealed class StyleOptions
{
    public string? Title { get; set; }
    /// <summary>1-based bands: three for RGB, one for grey/ramp.</summary>
    public List<int> Bands { get; set; } = [];
    /// <summary>[min, max] per output band (or one for all); empty = automatic.</summary>
    public List<double[]>? Ranges { get; set; }
    public double? NoData { get; set; }
    public List<RampStopOptions>? Ramp { get; set; }

    public StyleDefinition ToDefinition(string name) => new()
    {
        Name = name,
        Title = Title,
        Bands = [.. Bands],
        Ranges = Ranges is { Count: > 0 } ? Ranges.Select(r => r.ToArray()).ToArray() : null,
        NoData = NoData,
        Ramp = Ramp is { Count: > 0 } ? Ramp.Select(s => new RampStop(s.At, s.Color)).ToArray() : null,
    };
}

public sealed class RampStopOptions
{
    public double At { get; set; }
    public string Color { get; set; } = "#000000";
}

/// <summary>Styles of one collection (<c>Prism:Maps:Collections:{collection}</c>).</summary>
public sealed class CollectionMapOptions
{
    /// <summary>Style of the plain <c>{collection}</c> layer (default: the first of <see cref="Styles"/>).</summary>
    public string? DefaultStyle { get; set; }
    /// <summary>Styles offered, each also as a <c>{collection}__{STYLE}</c> layer.</summary>
    public List<string> Styles { get; set; } = [];
}
