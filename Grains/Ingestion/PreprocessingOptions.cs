using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.XPath;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Prism.Ingestion;

/// <summary>
/// How packages are turned into COGs and metadata (section <c>Prism:Preprocessing</c>), in the spirit of the PRISM
/// View Server preprocessor configuration: which files of a package are metadata and which are data, how the
/// metadata fields are read (XPath per field, with a prefix→namespace map), per-product-type overrides, COG
/// settings and resource limits. The defaults read EO-O&amp;M 2.0 (<c>eop:EarthObservation</c>,
/// <c>opt:</c>/<c>sar:</c> variants) as used by every sample product.
/// <para>Load with <see cref="FromConfiguration"/> or <see cref="LoadJson(string)"/>: these replace the default
/// lists when the configuration gives a list (the plain configuration binder would append to them), while map
/// entries (namespaces, extractors) are merged over the defaults key by key.</para>
/// </summary>
public sealed class PreprocessingOptions
{
    public const string Section = "Prism:Preprocessing";

    /// <summary>Globs of the metadata document inside a package (first match wins). See <see cref="Glob"/>.</summary>
    public List<string> MetadataGlobs { get; set; } = ["*.xml"];

    /// <summary>Globs of the raster files inside a package.</summary>
    public List<string> DataFileGlobs { get; set; } = ["*.tif", "*.tiff"];

    /// <summary>XML namespace prefixes usable in the extractor XPaths.</summary>
    public Dictionary<string, string> Namespaces { get; set; } = DefaultNamespaces();

    /// <summary>Field → XPath. Known fields: see <see cref="Fields"/>; any other field is copied into
    /// <see cref="ProductMetadata.Properties"/>. An empty XPath disables a field.</summary>
    public Dictionary<string, string> Extractors { get; set; } = DefaultExtractors();

    /// <summary>Per-product-type overrides, keyed by the product type as read from the metadata.</summary>
    public Dictionary<string, ProductTypePreprocessing> ProductTypes { get; set; } = DefaultProductTypes();

    /// <summary>Reproject outputs to this CRS (e.g. <c>EPSG:4326</c>); null keeps the native CRS.</summary>
    public string? TargetCrs { get; set; }

    /// <summary>Warping from ground control points when a raster has no geotransform; null = GDAL defaults.</summary>
    public GeoreferenceOptions? Georeference { get; set; }

    /// <summary>Nodata value set on outputs; null keeps what the raster declares.</summary>
    public double? NoData { get; set; }

    public CogOptions Cog { get; set; } = new();

    public PreprocessingLimits Limits { get; set; } = new();

    /// <summary>Names of the fields <see cref="MetadataExtractor"/> maps onto <see cref="ProductMetadata"/>.</summary>
    public static class Fields
    {
        public const string Identifier = "identifier", ProductType = "productType", Level = "level",
            BeginTime = "beginTime", EndTime = "endTime", Footprint = "footprint", Platform = "platform",
            Instrument = "instrument", SensorType = "sensorType", CloudCover = "cloudCover",
            OrbitNumber = "orbitNumber", OrbitDirection = "orbitDirection", AcquisitionType = "acquisitionType",
            ProcessingCenter = "processingCenter", Status = "status";

        public static readonly IReadOnlyList<string> Required = [Identifier, ProductType, BeginTime, EndTime];

        public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
        {
            Identifier, ProductType, Level, BeginTime, EndTime, Footprint, Platform, Instrument, SensorType,
            CloudCover, OrbitNumber, OrbitDirection, AcquisitionType, ProcessingCenter, Status,
        };
    }

    public static Dictionary<string, string> DefaultNamespaces() => new(StringComparer.Ordinal)
    {
        ["eop"] = "http://www.opengis.net/eop/2.0",
        ["opt"] = "http://www.opengis.net/opt/2.0",
        ["sar"] = "http://www.opengis.net/sar/2.0",
        ["om"] = "http://www.opengis.net/om/2.0",
        ["gml"] = "http://www.opengis.net/gml/3.2",
        ["xlink"] = "http://www.w3.org/1999/xlink",
        ["swe"] = "http://www.opengis.net/swe/1.0",
    };

    public static Dictionary<string, string> DefaultExtractors()
    {
        // "/*" is the root element, so eop:, opt: and sar:EarthObservation all match.
        const string Md = "/*/eop:metaDataProperty/eop:EarthObservationMetaData";
        const string Equipment = "/*/om:procedure/eop:EarthObservationEquipment";
        return new(StringComparer.Ordinal)
        {
            [Fields.Identifier] = $"{Md}/eop:identifier",
            [Fields.ProductType] = $"{Md}/eop:productType",
            [Fields.Level] = $"{Md}/eop:processing/eop:ProcessingInformation/eop:processingLevel",
            [Fields.BeginTime] = "/*/om:phenomenonTime/gml:TimePeriod/gml:beginPosition",
            [Fields.EndTime] = "/*/om:phenomenonTime/gml:TimePeriod/gml:endPosition",
            [Fields.Footprint] = "/*/om:featureOfInterest/eop:Footprint/eop:multiExtentOf/gml:MultiSurface/gml:surfaceMember/gml:Polygon/gml:exterior/gml:LinearRing/gml:posList",
            [Fields.Platform] = $"{Equipment}/eop:platform/eop:Platform/eop:shortName",
            [Fields.Instrument] = $"{Equipment}/eop:instrument/eop:Instrument/eop:shortName",
            [Fields.SensorType] = $"{Equipment}/eop:sensor/eop:Sensor/eop:sensorType",
            [Fields.CloudCover] = "/*/om:result/opt:EarthObservationResult/opt:cloudCoverPercentage",
            [Fields.OrbitNumber] = $"{Equipment}/eop:acquisitionParameters/*/eop:orbitNumber",
            [Fields.OrbitDirection] = $"{Equipment}/eop:acquisitionParameters/*/eop:orbitDirection",
            [Fields.AcquisitionType] = $"{Md}/eop:acquisitionType",
            [Fields.ProcessingCenter] = $"{Md}/eop:processing/eop:ProcessingInformation/eop:processingCenter",
            [Fields.Status] = $"{Md}/eop:status",
        };
    }

    /// <summary>MERIS RGB mosaics are black (0) outside the swath: make that transparent.</summary>
    public static Dictionary<string, ProductTypePreprocessing> DefaultProductTypes() => new(StringComparer.Ordinal)
    {
        ["MER_FRS_1P"] = new() { NoData = 0 },
    };

    /// <summary>The options with the overrides of <paramref name="productType"/> applied (the base options when the
    /// type has none). Override maps are merged key by key; override lists and scalars replace the base.</summary>
    public ResolvedPreprocessing ResolveFor(string? productType)
    {
        ProductTypePreprocessing? o = null;
        if (productType is not null) ProductTypes.TryGetValue(productType, out o);

        var extractors = new Dictionary<string, string>(Extractors, StringComparer.Ordinal);
        if (o?.Extractors is { } ex) foreach (var (k, v) in ex) extractors[k] = v;
        var namespaces = new Dictionary<string, string>(Namespaces, StringComparer.Ordinal);
        if (o?.Namespaces is { } ns) foreach (var (k, v) in ns) namespaces[k] = v;

        return new ResolvedPreprocessing
        {
            ProductType = productType,
            MetadataGlobs = o?.MetadataGlobs is { Count: > 0 } mg ? [.. mg] : [.. MetadataGlobs],
            DataFileGlobs = o?.DataFileGlobs is { Count: > 0 } dg ? [.. dg] : [.. DataFileGlobs],
            Namespaces = namespaces,
            Extractors = extractors,
            NoData = o?.NoData ?? NoData,
            TargetCrs = o?.TargetCrs ?? o?.Georeference?.TargetCrs ?? TargetCrs,
            Georeference = o?.Georeference ?? Georeference,
            Cog = new CogOptions
            {
                Compression = o?.Compression ?? Cog.Compression,
                BlockSize = Cog.BlockSize,
                OverviewResampling = Cog.OverviewResampling,
                Quality = o?.Quality ?? Cog.Quality,
            },
            Limits = Limits,
        };
    }

    // ---------------------------------------------------------------- loading

    /// <summary>Binds <c>Prism:Preprocessing</c> of <paramref name="configuration"/> (or the given section itself
    /// when it is not a root holding that section) over the defaults.</summary>
    public static PreprocessingOptions FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(Section);
        IConfiguration source = section.Exists() ? section : configuration;
        var options = new PreprocessingOptions();
        if (source.GetSection(nameof(MetadataGlobs)).GetChildren().Any()) options.MetadataGlobs.Clear();
        if (source.GetSection(nameof(DataFileGlobs)).GetChildren().Any()) options.DataFileGlobs.Clear();
        source.Bind(options);
        return options;
    }

    /// <summary>Loads a JSON file holding either the options object itself or <c>{"Prism":{"Preprocessing":{…}}}</c>.</summary>
    public static PreprocessingOptions LoadJson(string path)
    {
        using var stream = File.OpenRead(path);
        return LoadJson(stream);
    }

    public static PreprocessingOptions LoadJson(Stream json)
    {
        IConfiguration configuration;
        try
        {
            configuration = new ConfigurationBuilder().AddJsonStream(json).Build();
        }
        catch (FormatException ex)
        {
            throw new InvalidOperationException($"invalid preprocessing configuration JSON: {ex.Message}", ex);
        }
        return FromConfiguration(configuration);
    }

    // ---------------------------------------------------------------- validation

    /// <summary>All problems of the configuration; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        ValidateGlobs(errors, nameof(MetadataGlobs), MetadataGlobs, required: true);
        ValidateGlobs(errors, nameof(DataFileGlobs), DataFileGlobs, required: true);
        ValidateNamespaces(errors, nameof(Namespaces), Namespaces);
        foreach (var field in Fields.Required)
        {
            if (!Extractors.TryGetValue(field, out var xp) || string.IsNullOrWhiteSpace(xp))
                errors.Add($"Extractors.{field} is required");
        }
        ValidateExtractors(errors, nameof(Extractors), Extractors, Namespaces);
        ValidateCrs(errors, nameof(TargetCrs), TargetCrs);
        Georeference?.Validate(errors, nameof(Georeference));
        ValidateNoData(errors, nameof(NoData), NoData);
        Cog.Validate(errors, nameof(Cog));
        Limits.Validate(errors, nameof(Limits));

        foreach (var (type, o) in ProductTypes)
        {
            var p = $"{nameof(ProductTypes)}.{type}";
            if (string.IsNullOrWhiteSpace(type)) errors.Add($"{nameof(ProductTypes)} has an empty product type");
            if (o is null) { errors.Add($"{p} is empty"); continue; }
            if (o.MetadataGlobs is not null) ValidateGlobs(errors, $"{p}.{nameof(o.MetadataGlobs)}", o.MetadataGlobs, required: false);
            if (o.DataFileGlobs is not null) ValidateGlobs(errors, $"{p}.{nameof(o.DataFileGlobs)}", o.DataFileGlobs, required: false);
            var ns = new Dictionary<string, string>(Namespaces, StringComparer.Ordinal);
            if (o.Namespaces is not null)
            {
                ValidateNamespaces(errors, $"{p}.{nameof(o.Namespaces)}", o.Namespaces);
                foreach (var (k, v) in o.Namespaces) ns[k] = v;
            }
            if (o.Extractors is not null)
            {
                ValidateExtractors(errors, $"{p}.{nameof(o.Extractors)}", o.Extractors, ns);
                foreach (var field in Fields.Required)
                {
                    if (o.Extractors.TryGetValue(field, out var xp) && string.IsNullOrWhiteSpace(xp))
                        errors.Add($"{p}.{nameof(o.Extractors)}.{field} cannot be disabled");
                }
            }
            ValidateNoData(errors, $"{p}.{nameof(o.NoData)}", o.NoData);
            if (o.Compression is not null) CogOptions.ValidateCompression(errors, $"{p}.{nameof(o.Compression)}", o.Compression);
            if (o.Quality is { } q && q is < 1 or > 100) errors.Add($"{p}.{nameof(o.Quality)} must be between 1 and 100");
            ValidateCrs(errors, $"{p}.{nameof(o.TargetCrs)}", o.TargetCrs);
            o.Georeference?.Validate(errors, $"{p}.{nameof(o.Georeference)}");
        }
        return errors;
    }

    /// <summary>Throws <see cref="OptionsValidationException"/> listing every problem.</summary>
    public PreprocessingOptions EnsureValid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new OptionsValidationException(Section, typeof(PreprocessingOptions), errors);
        return this;
    }

    private static void ValidateGlobs(List<string> errors, string path, List<string> globs, bool required)
    {
        if (required && globs.Count == 0) errors.Add($"{path} must name at least one glob");
        for (var i = 0; i < globs.Count; i++)
        {
            var g = globs[i];
            if (string.IsNullOrWhiteSpace(g)) errors.Add($"{path}[{i}] is empty");
            else if (g.StartsWith('/') || g.Contains('\\') || g.Split('/').Contains(".."))
                errors.Add($"{path}[{i}] '{g}' must be a relative pattern without '..' or backslashes");
        }
    }

    private static void ValidateNamespaces(List<string> errors, string path, Dictionary<string, string> namespaces)
    {
        foreach (var (prefix, uri) in namespaces)
        {
            if (!Regex.IsMatch(prefix, "^[A-Za-z_][A-Za-z0-9_.-]*$")) errors.Add($"{path}: '{prefix}' is not a valid XML prefix");
            if (string.IsNullOrWhiteSpace(uri)) errors.Add($"{path}.{prefix} has no namespace URI");
        }
    }

    private static void ValidateExtractors(List<string> errors, string path, Dictionary<string, string> extractors, Dictionary<string, string> namespaces)
    {
        var nsm = new XmlNamespaceManager(new NameTable());
        foreach (var (prefix, uri) in namespaces)
        {
            try { nsm.AddNamespace(prefix, uri); }
            catch (ArgumentException) { /* reported by ValidateNamespaces */ }
        }
        foreach (var (field, xpath) in extractors)
        {
            if (string.IsNullOrWhiteSpace(field)) { errors.Add($"{path} has an empty field name"); continue; }
            if (string.IsNullOrWhiteSpace(xpath)) continue;
            try
            {
                var expr = XPathExpression.Compile(xpath, nsm);
                _ = expr.ReturnType;
            }
            catch (XPathException ex) { errors.Add($"{path}.{field}: invalid XPath '{xpath}': {ex.Message}"); }
        }
    }

    private static void ValidateCrs(List<string> errors, string path, string? crs)
    {
        if (crs is null) return;
        if (string.IsNullOrWhiteSpace(crs)) errors.Add($"{path} is empty (leave it out to keep the native CRS)");
        else if (!Regex.IsMatch(crs, @"^(EPSG|ESRI|OGC|IAU_\d+):\w+$", RegexOptions.IgnoreCase) && !crs.StartsWith("+proj", StringComparison.Ordinal)
                 && !Regex.IsMatch(crs, @"^[A-Z_]+\[", RegexOptions.None))
            errors.Add($"{path} '{crs}' is not a CRS (use e.g. EPSG:4326, a PROJ string or WKT)");
    }

    private static void ValidateNoData(List<string> errors, string path, double? value)
    {
        if (value is { } v && double.IsInfinity(v)) errors.Add($"{path} must be finite or NaN");
    }

    internal static readonly IReadOnlySet<string> ResamplingMethods = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "NEAREST", "BILINEAR", "CUBIC", "CUBICSPLINE", "LANCZOS", "AVERAGE", "RMS", "MODE", "GAUSS", "MIN", "MAX",
        "MED", "Q1", "Q3", "SUM",
    };
}

/// <summary>Overrides for one product type; null members keep the base value.</summary>
public sealed class ProductTypePreprocessing
{
    /// <summary>Extractors merged over the base ones (same field names).</summary>
    public Dictionary<string, string>? Extractors { get; set; }
    public Dictionary<string, string>? Namespaces { get; set; }
    public List<string>? MetadataGlobs { get; set; }
    public List<string>? DataFileGlobs { get; set; }
    /// <summary>Nodata value for the outputs (MERIS RGB: 0, so the black outside the swath becomes transparent).</summary>
    public double? NoData { get; set; }
    /// <summary>COG compression for this type (e.g. JPEG for RGB mosaics); see <see cref="CogOptions.Compression"/>.</summary>
    public string? Compression { get; set; }
    public int? Quality { get; set; }
    public string? TargetCrs { get; set; }
    public GeoreferenceOptions? Georeference { get; set; }
}

/// <summary>Warping from ground control points (gdalwarp <c>-order</c> / <c>-tps</c> / <c>-r</c> / <c>-t_srs</c>).</summary>
public sealed class GeoreferenceOptions
{
    /// <summary>Polynomial order 1–3; 0 lets GDAL choose from the number of GCPs.</summary>
    public int Order { get; set; }
    /// <summary>Thin plate spline transformer instead of a polynomial.</summary>
    public bool Tps { get; set; }
    public string Resampling { get; set; } = "BILINEAR";
    /// <summary>CRS to warp into; null = the CRS of the GCPs.</summary>
    public string? TargetCrs { get; set; }

    internal void Validate(List<string> errors, string path)
    {
        if (Order is < 0 or > 3) errors.Add($"{path}.{nameof(Order)} must be 0 (automatic), 1, 2 or 3");
        if (Tps && Order > 0) errors.Add($"{path}: {nameof(Tps)} and a polynomial {nameof(Order)} exclude each other");
        if (!PreprocessingOptions.ResamplingMethods.Contains(Resampling ?? ""))
            errors.Add($"{path}.{nameof(Resampling)} '{Resampling}' is not a GDAL resampling method");
        if (TargetCrs is not null && string.IsNullOrWhiteSpace(TargetCrs)) errors.Add($"{path}.{nameof(TargetCrs)} is empty");
    }
}

/// <summary>Cloud-optimised GeoTIFF creation options.</summary>
public sealed class CogOptions
{
    /// <summary>GDAL COG COMPRESS value; null chooses by data type (e.g. lossless DEFLATE for data, JPEG for 8-bit RGB is
    /// up to the writer).</summary>
    public string? Compression { get; set; }
    public int BlockSize { get; set; } = 256;
    public string OverviewResampling { get; set; } = "AVERAGE";
    /// <summary>JPEG/WEBP quality 1–100; null = GDAL default.</summary>
    public int? Quality { get; set; }

    internal static readonly IReadOnlySet<string> Compressions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "NONE", "DEFLATE", "LZW", "ZSTD", "JPEG", "WEBP", "LERC", "LERC_DEFLATE", "LERC_ZSTD", "LZMA", "PACKBITS", "JXL",
    };

    internal static void ValidateCompression(List<string> errors, string path, string value)
    {
        if (!Compressions.Contains(value)) errors.Add($"{path} '{value}' is not a COG compression ({string.Join(", ", Compressions)})");
    }

    internal void Validate(List<string> errors, string path)
    {
        if (Compression is not null) ValidateCompression(errors, $"{path}.{nameof(Compression)}", Compression);
        if (BlockSize is < 64 or > 4096 || (BlockSize & (BlockSize - 1)) != 0)
            errors.Add($"{path}.{nameof(BlockSize)} must be a power of two between 64 and 4096");
        if (!PreprocessingOptions.ResamplingMethods.Contains(OverviewResampling ?? ""))
            errors.Add($"{path}.{nameof(OverviewResampling)} '{OverviewResampling}' is not a GDAL resampling method");
        if (Quality is { } q && q is < 1 or > 100) errors.Add($"{path}.{nameof(Quality)} must be between 1 and 100");
    }
}

/// <summary>Resource limits for one product.</summary>
public sealed class PreprocessingLimits
{
    public long MaxPackageBytes { get; set; } = 2L << 30;
    public long MaxUnpackedBytes { get; set; } = 4L << 30;
    public int MaxEntries { get; set; } = 10_000;
    /// <summary>Largest single file in a package.</summary>
    public long MaxEntryBytes { get; set; } = 2L << 30;
    public int MaxRasterWidth { get; set; } = 100_000;
    public int MaxRasterHeight { get; set; } = 100_000;
    public long MaxRasterPixels { get; set; } = 2_000_000_000;
    /// <summary>Largest metadata document (XML, STAC or JSON message).</summary>
    public long MaxMetadataBytes { get; set; } = 16L << 20;

    public ArchiveLimits ToArchiveLimits() => new()
    {
        MaxPackageBytes = MaxPackageBytes,
        MaxUnpackedBytes = MaxUnpackedBytes,
        MaxEntries = MaxEntries,
        MaxEntryBytes = MaxEntryBytes,
    };

    internal void Validate(List<string> errors, string path)
    {
        void Positive(long v, string name) { if (v <= 0) errors.Add($"{path}.{name} must be positive"); }
        Positive(MaxPackageBytes, nameof(MaxPackageBytes));
        Positive(MaxUnpackedBytes, nameof(MaxUnpackedBytes));
        Positive(MaxEntries, nameof(MaxEntries));
        Positive(MaxEntryBytes, nameof(MaxEntryBytes));
        Positive(MaxRasterWidth, nameof(MaxRasterWidth));
        Positive(MaxRasterHeight, nameof(MaxRasterHeight));
        Positive(MaxRasterPixels, nameof(MaxRasterPixels));
        Positive(MaxMetadataBytes, nameof(MaxMetadataBytes));
    }
}

/// <summary>The effective options for one product type (<see cref="PreprocessingOptions.ResolveFor"/>).</summary>
public sealed record ResolvedPreprocessing
{
    public string? ProductType { get; init; }
    public required IReadOnlyList<string> MetadataGlobs { get; init; }
    public required IReadOnlyList<string> DataFileGlobs { get; init; }
    public required IReadOnlyDictionary<string, string> Namespaces { get; init; }
    public required IReadOnlyDictionary<string, string> Extractors { get; init; }
    public double? NoData { get; init; }
    public string? TargetCrs { get; init; }
    public GeoreferenceOptions? Georeference { get; init; }
    public required CogOptions Cog { get; init; }
    public required PreprocessingLimits Limits { get; init; }

    /// <summary>Invariant text of <see cref="NoData"/> for GDAL options ("nan" for NaN), or null.</summary>
    public string? NoDataText => NoData is { } v ? (double.IsNaN(v) ? "nan" : v.ToString("R", CultureInfo.InvariantCulture)) : null;
}
