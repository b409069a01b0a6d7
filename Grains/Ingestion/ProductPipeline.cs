using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.FileSystemGlobbing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prism.Catalog;
using Prism.Gdal;
using Prism.Products;
using Prism.Storage;

namespace Prism.Ingestion;

/// <summary>
/// The preprocessing and registration steps of PVS, on the project's own parts: download → safe unpack →
/// metadata → COG (GDAL, on <see cref="GdalWorkPool"/>) → publish under <c>{prefix}</c>; and prefix/STAC → catalog.
/// The manifest <c>{prefix}product.json</c> is written last, so a prefix without it is never half-registered.
/// </summary>
public sealed class ProductPipeline(
    IObjectStores stores,
    ICatalog catalog,
    GdalWorkPool pool,
    IOptions<IngestionOptions> ingestionOptions,
    IOptions<PreprocessingOptions> preprocessingOptions,
    IOptions<CollectionOptions> collectionOptions,
    ILogger<ProductPipeline> log) : IProductPipeline
{
    public const string ManifestName = "product.json";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly IngestionOptions _ingestion = ingestionOptions.Value;
    private readonly bool _gdalConfigured = ConfigureGdal(stores);
    private readonly PreprocessingOptions _pre = preprocessingOptions.Value;
    private readonly CollectionOptions _collections = collectionOptions.Value;

    public async Task<ProductRecord> PreprocessAsync(string productKey, IngestRequest request, CancellationToken ct)
    {
        var work = Path.Combine(Path.GetFullPath(_ingestion.WorkDir!), $"{productKey}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        var prefix = $"{_ingestion.OutputPrefix}{productKey}/";
        var published = false;
        try
        {
            var (metadata, metadataFile, rasters) = request.Kind switch
            {
                IngestKind.Package => await UnpackPackageAsync(request.Payload, work, ct),
                IngestKind.MetadataMessage => await FetchMessageDataAsync(request.Payload, work, ct),
                _ => throw new PermanentIngestException($"{request.Kind} is not a preprocessing request"),
            };
            var settings = _pre.ResolveFor(metadata.ProductType);
            var outDir = Path.Combine(work, "out");
            Directory.CreateDirectory(outDir);

            var coverages = new List<CoverageRecord>();
            var outputs = new List<(string Key, string Path)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var raster in rasters)
            {
                var name = SafeName(Path.GetFileNameWithoutExtension(raster));
                if (!names.Add(name)) name = $"{name}_{names.Count}";
                var output = Path.Combine(outDir, name + ".tif");
                var result = await ConvertAsync(raster, output, settings, ct);
                var key = $"{prefix}{name}.tif";
                outputs.Add((key, output));
                coverages.Add(ToCoverage(rasters.Count == 1 ? metadata.Identifier : $"{metadata.Identifier}_{name}", key, result.Output));
            }

            var footprint = metadata.FootprintWkt;
            if (footprint is null)
            {
                var outline = await pool.RunAsync(() => ValidDataOutline.FootprintWkt(outputs[0].Path), ct)
                              ?? throw new PermanentIngestException("no footprint in the metadata and none computable from the raster");
                footprint = Geometry.Footprint.NormalizeWkt(outline);
            }

            var record = ToRecord(metadata, footprint, prefix, coverages,
                metadataFile is null ? null : await File.ReadAllTextAsync(metadataFile, ct));

            // Publish: data first, metadata, then the manifest that makes the prefix complete.
            published = true;
            foreach (var (key, path) in outputs)
                await stores.Output.PutFileAsync(key, path, "image/tiff; application=geotiff; profile=cloud-optimized", ct);
            if (metadataFile is not null)
                await stores.Output.PutFileAsync(prefix + Path.GetFileName(metadataFile), metadataFile, "application/xml", ct);
            await using (var manifest = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(record, Json)))
                await stores.Output.PutAsync(prefix + ManifestName, manifest, "application/json", ct);
            return record;
        }
        catch (PermanentIngestException) when (published)
        {
            await DeleteQuietlyAsync(prefix);
            throw;
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); }
            catch (Exception e) { log.LogWarning(e, "Could not remove work folder {Work}", work); }
        }
    }

    public async Task<ProductRecord> RegisterAsync(string productKey, IngestRequest request, CancellationToken ct)
    {
        var record = request.Kind switch
        {
            IngestKind.RegisterPrefix => await ReadPrefixAsync(request.Payload, ct),
            IngestKind.StacItem => await ReadStacItemAsync(request.Payload, ct),
            _ => throw new PermanentIngestException($"{request.Kind} is not a registration request"),
        };
        var collections = _collections.For(record.ProductType);
        if (collections.Count == 0)
            throw new PermanentIngestException(
                $"product type '{record.ProductType}' maps to no collection and the default collection is switched off");
        record = record with { Collections = collections };
        var report = await catalog.RegisterAsync(record, ct);
        log.LogInformation("Registered {Identifier} ({Replaced}) in {Collections}", report.Identifier,
            report.Replaced ? "replaced" : "new", string.Join(",", report.Collections));
        return record;
    }

    public async Task DeregisterAsync(string identifier, string? prefix, CancellationToken ct)
    {
        await catalog.DeregisterAsync(identifier, ct);
        if (!string.IsNullOrEmpty(prefix)) await stores.Output.DeletePrefixAsync(prefix, ct);
    }

    private async Task<(ProductMetadata, string?, IReadOnlyList<string>)> UnpackPackageAsync(string path, string work, CancellationToken ct)
    {
        var key = InputKey(path);
        var limits = _pre.Limits;
        var info = await stores.Input.StatAsync(key, ct)
                   ?? throw new PermanentIngestException($"package '{key}' does not exist in the input store");
        if (info.Length > limits.MaxPackageBytes)
            throw new PermanentIngestException($"package '{key}' is {info.Length} bytes, over the limit of {limits.MaxPackageBytes}");
        var package = Path.Combine(work, "package");
        try
        {
            await stores.Input.DownloadToFileAsync(key, package, limits.MaxPackageBytes, ct);
        }
        catch (ObjectNotFoundException)
        {
            throw new PermanentIngestException($"package '{key}' does not exist in the input store");
        }
        catch (ObjectTooLargeException e)
        {
            throw new PermanentIngestException(e.Message);
        }
        var unpacked = Path.Combine(work, "unpacked");
        var extracted = SafeArchiveExtractor.Extract(package, unpacked, limits.ToArchiveLimits());
        var files = extracted.Files.Select(f => f.RelativePath).ToList();
        var metadataRel = Match(files, _pre.MetadataGlobs).FirstOrDefault()
                          ?? throw new PermanentIngestException(
                              $"no metadata file matching {string.Join(", ", _pre.MetadataGlobs)} in package '{key}'");
        var metadataFile = Path.Combine(unpacked, metadataRel);
        var metadata = MetadataExtractor.Extract(metadataFile, _pre);
        var globs = _pre.ResolveFor(metadata.ProductType).DataFileGlobs;
        var rasters = Match(files, globs).Select(f => Path.Combine(unpacked, f)).ToList();
        if (rasters.Count == 0)
            throw new PermanentIngestException($"no raster matching {string.Join(", ", globs)} in package '{key}'");
        return (metadata, metadataFile, rasters);
    }

    private async Task<(ProductMetadata, string?, IReadOnlyList<string>)> FetchMessageDataAsync(string json, string work, CancellationToken ct)
    {
        var (metadata, dataPaths) = MetadataMessageParser.Parse(json);
        var dataDir = Path.Combine(work, "data");
        Directory.CreateDirectory(dataDir);
        var rasters = new List<string>();
        foreach (var (path, i) in dataPaths.Select((p, i) => (p, i)))
        {
            var key = InputKey(path);
            var local = Path.Combine(Directory.CreateDirectory(Path.Combine(dataDir, $"{i:D3}")).FullName,
                SafeName(Path.GetFileName(key)));
            try
            {
                await stores.Input.DownloadToFileAsync(key, local, _pre.Limits.MaxPackageBytes, ct);
            }
            catch (ObjectNotFoundException)
            {
                throw new PermanentIngestException($"data file '{key}' does not exist in the input store");
            }
            catch (ObjectTooLargeException e)
            {
                throw new PermanentIngestException(e.Message);
            }
            rasters.Add(local);
        }
        if (rasters.Count == 0) throw new PermanentIngestException("the metadata message names no data file");
        return (metadata, null, rasters);
    }

    private async Task<CogResult> ConvertAsync(string source, string output, ResolvedPreprocessing settings, CancellationToken ct)
    {
        var limits = _pre.Limits;
        var request = new CogRequest
        {
            SourcePath = source,
            DestinationPath = output,
            Compression = settings.Cog.Compression,
            Quality = settings.Cog.Quality,
            BlockSize = settings.Cog.BlockSize,
            OverviewResampling = settings.Cog.OverviewResampling,
            TargetCrs = settings.TargetCrs,
            NoData = settings.NoData,
            Warp = settings.Georeference is { } g
                ? new GcpWarpOptions
                {
                    PolynomialOrder = g.Order is >= 1 and <= 3 ? g.Order : 2,
                    UseThinPlateSpline = g.Tps,
                    Resampling = g.Resampling.ToLowerInvariant(),
                    TargetCrs = g.TargetCrs ?? "EPSG:4326",
                }
                : new GcpWarpOptions(),
            TempDirectory = Path.GetDirectoryName(output),
            MaxWidth = limits.MaxRasterWidth,
            MaxHeight = limits.MaxRasterHeight,
            MaxPixels = limits.MaxRasterPixels,
        };
        try
        {
            return await pool.RunAsync(() => CogConverter.Convert(request), ct);
        }
        catch (RasterLimitException e)
        {
            throw new PermanentIngestException($"raster '{Path.GetFileName(source)}' is refused: {e.Message}", e);
        }
        catch (InvalidRasterException e)
        {
            throw new PermanentIngestException($"raster '{Path.GetFileName(source)}' is not usable: {e.Message}", e);
        }
    }

    private async Task<ProductRecord> ReadPrefixAsync(string payload, CancellationToken ct)
    {
        var prefix = payload.Trim().TrimStart('/');
        if (prefix.StartsWith("s3://", StringComparison.Ordinal) || prefix.Contains("..") || prefix.Length == 0)
            throw new PermanentIngestException($"'{Truncate(payload)}' is not a prefix in the output store");
        if (!prefix.EndsWith('/')) prefix += "/";
        await using var manifest = await stores.Output.OpenReadAsync(prefix + ManifestName, ct);
        if (manifest is not null)
        {
            try
            {
                return await JsonSerializer.DeserializeAsync<ProductRecord>(manifest, Json, ct)
                       ?? throw new PermanentIngestException($"'{prefix}{ManifestName}' is empty");
            }
            catch (JsonException e)
            {
                throw new PermanentIngestException($"'{prefix}{ManifestName}' is not a valid manifest: {e.Message}");
            }
        }
        return await ReadForeignPrefixAsync(prefix, ct);
    }

    /// <summary>A prefix published by another preprocessor (PVS's): metadata XML + COGs, no manifest.</summary>
    private async Task<ProductRecord> ReadForeignPrefixAsync(string prefix, CancellationToken ct)
    {
        var objects = new List<ObjectInfo>();
        await foreach (var o in stores.Output.ListAsync(prefix, ct)) objects.Add(o);
        if (objects.Count == 0) throw new PermanentIngestException($"prefix '{prefix}' is empty in the output store");
        var names = objects.Select(o => o.Key[prefix.Length..]).ToList();
        var metadataName = Match(names, _pre.MetadataGlobs).FirstOrDefault()
                           ?? throw new PermanentIngestException($"no metadata file under prefix '{prefix}'");
        var work = Path.Combine(Path.GetFullPath(_ingestion.WorkDir!), $"register-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            var local = Path.Combine(work, "metadata.xml");
            await stores.Output.DownloadToFileAsync(prefix + metadataName, local, _pre.Limits.MaxMetadataBytes, ct);
            var metadata = MetadataExtractor.Extract(local, _pre);
            var coverages = new List<CoverageRecord>();
            foreach (var name in Match(names, _pre.ResolveFor(metadata.ProductType).DataFileGlobs))
            {
                var key = prefix + name;
                var info = await ReadRasterInfoAsync(key, ct);
                coverages.Add(ToCoverage($"{metadata.Identifier}_{SafeName(Path.GetFileNameWithoutExtension(name))}", key, info));
            }
            var footprint = metadata.FootprintWkt
                            ?? (coverages.Count > 0
                                ? Geometry.Footprint.NormalizeWkt(await pool.RunAsync(() => ValidDataOutline.FootprintWkt(stores.Output.GdalPath(coverages[0].Location)), ct)
                                    ?? throw new PermanentIngestException($"no footprint under prefix '{prefix}'"))
                                : throw new PermanentIngestException($"no footprint and no raster under prefix '{prefix}'"));

            return ToRecord(metadata, footprint, prefix, coverages, await File.ReadAllTextAsync(local, ct));
        }
        finally
        {
            try { Directory.Delete(work, true); } catch (IOException) { }
        }
    }

    /// <summary>
    /// A STAC Item. Assets that are COGs in the output store (relative href, or a key of the output store) become
    /// coverages; other or missing assets are skipped, so an item whose assets are all missing is registered
    /// metadata-only (footprint and times from the item) — documented behaviour.
    /// </summary>
    private async Task<ProductRecord> ReadStacItemAsync(string json, CancellationToken ct)
    {
        var (metadata, assets) = StacItemParser.Parse(json);
        var coverages = new List<CoverageRecord>();
        foreach (var asset in assets)
        {
            if (!IsRaster(asset)) continue;
            var key = asset.Href.TrimStart('/');
            if (key.Contains("://") || key.Contains("..")) continue;
            if (await stores.Output.StatAsync(key, ct) is null) continue;
            var info = await ReadRasterInfoAsync(key, ct);
            coverages.Add(ToCoverage($"{metadata.Identifier}_{SafeName(asset.Key)}", key, info));
        }
        var footprint = metadata.FootprintWkt ?? throw new PermanentIngestException("the STAC item has no geometry");
        return ToRecord(metadata, footprint, null, coverages, json);
    }

    private static bool IsRaster(StacAsset asset) =>
        asset.Type?.StartsWith("image/tiff", StringComparison.OrdinalIgnoreCase) == true
        || asset.Href.EndsWith(".tif", StringComparison.OrdinalIgnoreCase)
        || asset.Href.EndsWith(".tiff", StringComparison.OrdinalIgnoreCase);

    private Task<RasterInfo> ReadRasterInfoAsync(string key, CancellationToken ct)
    {
        var path = stores.Output.GdalPath(key);
        return pool.RunAsync(() =>
        {
            try { return RasterInfo.Read(path); }
            catch (GdalException e) { throw new PermanentIngestException($"'{key}' is not a readable raster: {e.Message}", e); }
        }, ct);
    }

    private string InputKey(string path)
    {
        var key = path.Trim();
        var location = stores.Input.Location.TrimEnd('/') + "/";
        if (key.StartsWith(location, StringComparison.Ordinal)) key = key[location.Length..];
        else if (key.Contains("://", StringComparison.Ordinal))
            throw new PermanentIngestException($"'{Truncate(path)}' is not in the input store {stores.Input.Location}");
        key = key.TrimStart('/');
        if (!ObjectKey.IsValid(key))
            throw new PermanentIngestException($"'{Truncate(path)}' is not a valid object path");
        return key;
    }

    private static IEnumerable<string> Match(IEnumerable<string> relativePaths, IEnumerable<string> globs)
    {
        var matcher = new Matcher(StringComparison.OrdinalIgnoreCase);
        foreach (var glob in globs) matcher.AddInclude(glob.Contains('/') ? glob : "**/" + glob);
        return relativePaths.Where(p => matcher.Match(p).HasMatches).Order(StringComparer.Ordinal);
    }

    private static CoverageRecord ToCoverage(string identifier, string key, RasterInfo info) => new()
    {
        Identifier = identifier,
        Location = key,
        Width = info.Width,
        Height = info.Height,
        Crs = info.Crs ?? info.CrsWkt ?? "",
        GeoTransform = info.GeoTransform ?? [],
        Bands = info.Bands.Select(b => new BandRecord(string.IsNullOrEmpty(b.Description) ? $"band{b.Index}" : b.Description, b.DataType, b.NoData)).ToArray(),
    };

    private static ProductRecord ToRecord(ProductMetadata m, string footprint, string? prefix,
        IReadOnlyList<CoverageRecord> coverages, string? raw) => new()
    {
        Identifier = m.Identifier,
        ProductType = m.ProductType,
        Collections = [],
        BeginTime = m.BeginTime,
        EndTime = m.EndTime,
        FootprintWkt = footprint,
        Platform = m.Platform,
        Instrument = m.Instrument,
        SensorType = m.SensorType,
        CloudCover = m.CloudCover,
        OrbitNumber = m.OrbitNumber,
        OrbitDirection = m.OrbitDirection,
        AcquisitionType = m.AcquisitionType,
        ProcessingCenter = m.ProcessingCenter,
        Status = m.Status,
        Properties = m.Level is null ? m.Properties : new Dictionary<string, string>(m.Properties) { ["level"] = m.Level },
        RawMetadata = raw,
        Prefix = prefix,
        Coverages = coverages,
    };

    private async Task DeleteQuietlyAsync(string prefix)
    {
        try { await stores.Output.DeletePrefixAsync(prefix); }
        catch (Exception e) { log.LogWarning(e, "Could not clean up prefix {Prefix}", prefix); }
    }

    /// <summary>GDAL reads published COGs in place (<c>/vsis3/</c>) with the output store's endpoint and keys.</summary>
    private static bool ConfigureGdal(IObjectStores stores)
    {
        GdalRuntime.EnsureInitialized();
        if (stores.Output is S3ObjectStore s3)
            foreach (var (key, value) in s3.GdalConfigOptions) GdalRuntime.SetConfigOption(key, value);
        return true;
    }

    private static string SafeName(string name)
    {
        var chars = name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray();
        var s = new string(chars).Trim('.');
        return s.Length == 0 ? "data" : s.Length > 120 ? s[..120] : s;
    }

    private static string Truncate(string s) => s.Length > 200 ? s[..200] + "…" : s;
}
