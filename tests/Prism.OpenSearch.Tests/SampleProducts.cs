using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;
using Prism.Catalog;
using Prism.Tests;

namespace Prism.OpenSearch.Tests;

/// <summary>The catalog content of the tests: the five sample products (metadata read from their packages in
/// shared/data/products) and generated ones, among them a footprint split at the antimeridian. Every product is in
/// its product type's collection and in <c>ALL</c>; <see cref="PagingCount"/> more are in <c>PAGING</c> only.</summary>
public static class SampleProducts
{
    public const string Asa = "ASA_WSM_1PNDPA20050331_075939_000000552036_00035_16121_0775";
    public const string Mer0816 = "mosaic_MER_FRS_1PNPDE20060816_090929_000001972050_00222_23322_0058_RGB_reduced";
    public const string Mer0822 = "mosaic_MER_FRS_1PNPDE20060822_092058_000001972050_00308_23408_0077_RGB_reduced";
    public const string Mer0830 = "mosaic_MER_FRS_1PNPDE20060830_100949_000001972050_00423_23523_0079_RGB_reduced";
    public const string World = "WORLD_RGB_20200101";
    public const string Dateline = "S2A_MSIL1C_20210601T100000_DATELINE";
    public const string S2Europe = "S2A_MSIL1C_20210602T100000_EUROPE";
    public const string S2America = "S2B_MSIL1C_20210603T140000_AMERICA";
    public const string S1 = "S1A_IW_GRDH_20210601T000000_LONG";
    public const int PagingCount = 23;

    public static readonly string[] AllIds = [Asa, Mer0816, Mer0822, Mer0830, World, Dateline, S2Europe, S2America, S1];

    public static IEnumerable<ProductRecord> Load()
    {
        foreach (var file in Directory.GetFiles(TestEnvironment.Products).Order(StringComparer.Ordinal))
        foreach (var xml in MetadataDocuments(file))
            yield return FromEoOm(xml);
        foreach (var p in Generated()) yield return p;
    }

    private static IEnumerable<string> MetadataDocuments(string package)
    {
        if (package.EndsWith(".zip", StringComparison.Ordinal))
        {
            using var zip = ZipFile.OpenRead(package);
            foreach (var e in zip.Entries.Where(e => e.FullName.EndsWith(".xml", StringComparison.Ordinal)))
            {
                using var r = new StreamReader(e.Open());
                yield return r.ReadToEnd();
            }
            yield break;
        }
        using var fs = File.OpenRead(package);
        using Stream s = package.EndsWith(".gz", StringComparison.Ordinal) || package.EndsWith(".tgz", StringComparison.Ordinal)
            ? new GZipStream(fs, CompressionMode.Decompress) : fs;
        using var tar = new TarReader(s);
        while (tar.GetNextEntry() is { } entry)
        {
            if (!entry.Name.EndsWith(".xml", StringComparison.Ordinal) || entry.DataStream is null) continue;
            using var r = new StreamReader(entry.DataStream);
            yield return r.ReadToEnd();
        }
    }

    private static ProductRecord FromEoOm(string xml)
    {
        var doc = XDocument.Parse(xml);
        string? First(string local) => doc.Descendants().FirstOrDefault(e => e.Name.LocalName == local)?.Value.Trim();
        var shortNames = doc.Descendants().Where(e => e.Name.LocalName == "shortName").Select(e => e.Value.Trim()).ToList();
        var pos = First("posList")!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToList();
        var ring = Enumerable.Range(0, pos.Count / 2).Select(i => FormattableString.Invariant($"{pos[2 * i + 1]} {pos[2 * i]}"));
        var type = First("productType")!;
        return new ProductRecord
        {
            Identifier = First("identifier")!,
            ProductType = type,
            Collections = [type, "ALL"],
            BeginTime = DateTimeOffset.Parse(First("beginPosition")!, CultureInfo.InvariantCulture),
            EndTime = DateTimeOffset.Parse(First("endPosition")!, CultureInfo.InvariantCulture),
            FootprintWkt = $"MULTIPOLYGON((({string.Join(",", ring)})))",
            Platform = shortNames.ElementAtOrDefault(0),
            Instrument = shortNames.ElementAtOrDefault(1),
            SensorType = First("sensorType"),
            AcquisitionType = First("acquisitionType"),
            Status = First("status"),
            ProcessingCenter = First("processingCenter"),
            RawMetadata = xml,
            Coverages = [Coverage(First("identifier")!)],
        };
    }

    private static CoverageRecord Coverage(string id) => new()
    {
        Identifier = id, Location = $"{id}/{id}.tif", Width = 100, Height = 100, Crs = "EPSG:4326",
        GeoTransform = [0, 1, 0, 0, 0, -1], Bands = [new BandRecord("red", "Byte", 0), new BandRecord("green", "Byte", 0), new BandRecord("blue", "Byte", 0)],
    };

    private static string Box(double w, double s, double e, double n) =>
        FormattableString.Invariant($"(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))");

    private static DateTimeOffset T(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    private static IEnumerable<ProductRecord> Generated()
    {
        ProductRecord S2(string id, string platform, string footprint, string begin, string end, double cloud, int orbit, string direction) => new()
        {
            Identifier = id, ProductType = "S2MSI1C", Collections = ["S2MSI1C", "ALL"], BeginTime = T(begin), EndTime = T(end),
            FootprintWkt = footprint, Platform = platform, Instrument = "MSI", SensorType = "OPTICAL", CloudCover = cloud,
            OrbitNumber = orbit, OrbitDirection = direction, AcquisitionType = "NOMINAL", Status = "ARCHIVED", ProcessingCenter = "ESRIN",
            Coverages = [Coverage(id)],
        };
        // 170°E → 170°W across the antimeridian, stored split as the catalog normalises it.
        yield return S2(Dateline, "SENTINEL-2A", $"MULTIPOLYGON({Box(170, 10, 180, 20)},{Box(-180, 10, -170, 20)})",
            "2021-06-01T10:00:00Z", "2021-06-01T10:00:30Z", 12.5, 100, "DESCENDING");
        yield return S2(S2Europe, "SENTINEL-2A", $"MULTIPOLYGON({Box(5, 45, 7, 47)})", "2021-06-02T10:00:00Z", "2021-06-02T10:00:30Z", 50, 101, "ASCENDING");
        yield return S2(S2America, "SENTINEL-2B", $"MULTIPOLYGON({Box(-60, -10, -58, -8)})", "2021-06-03T14:00:00Z", "2021-06-03T14:00:30Z", 80, 205, "DESCENDING");
        yield return new ProductRecord
        {
            Identifier = S1, ProductType = "GRD", Collections = ["GRD", "ALL"], BeginTime = T("2021-06-01T00:00:00Z"), EndTime = T("2021-06-04T00:00:00Z"),
            FootprintWkt = $"MULTIPOLYGON({Box(100, 0, 102, 2)})", Platform = "SENTINEL-1A", Instrument = "SAR", SensorType = "RADAR",
            OrbitNumber = 38000, OrbitDirection = "ASCENDING", Coverages = [Coverage(S1)],
        };
        for (var i = 0; i < PagingCount; i++)
        {
            // Pairs share a begin time so that the order falls back to the identifier.
            var begin = new DateTimeOffset(2022, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(i / 2);
            yield return new ProductRecord
            {
                Identifier = $"PAGE_{(PagingCount - i):D2}", ProductType = "PAGE", Collections = ["PAGING"], BeginTime = begin, EndTime = begin.AddMinutes(10),
                FootprintWkt = $"MULTIPOLYGON({Box(i, 0, i + 1, 1)})", Platform = "TEST", CloudCover = i,
            };
        }
    }
}
