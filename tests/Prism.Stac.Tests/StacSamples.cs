using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Xml.Linq;
using Prism.Catalog;
using Prism.Tests;

namespace Prism.Stac.Tests;

/// <summary>Catalog records for the STAC tests: the real sample products' EO-O&amp;M metadata (MERIS, ASAR, WORLD)
/// and a generated optical collection on a known grid.</summary>
public static class StacSamples
{
    public const string Generated = "GEN_OPT";

    /// <summary>Reads every sample package's XML metadata (posList is lat lon).</summary>
    public static IReadOnlyList<ProductRecord> RealProducts()
    {
        var list = new List<ProductRecord>();
        foreach (var package in Directory.GetFiles(TestEnvironment.Products).Order(StringComparer.Ordinal))
        {
            var xml = ReadXml(package);
            if (xml is null) continue;
            list.Add(FromEop(xml));
        }
        if (list.Count < 5) throw new InvalidOperationException($"expected 5 sample products in {TestEnvironment.Products}, found {list.Count}");
        return list;
    }

    private static string? ReadXml(string package)
    {
        if (package.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            using var zip = ZipFile.OpenRead(package);
            var entry = zip.Entries.FirstOrDefault(e => e.Name.EndsWith(".xml", StringComparison.Ordinal));
            if (entry is null) return null;
            using var reader = new StreamReader(entry.Open());
            return reader.ReadToEnd();
        }
        using var file = File.OpenRead(package);
        using Stream stream = package.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        using var tar = new TarReader(stream);
        while (tar.GetNextEntry() is { } e)
        {
            if (!e.Name.EndsWith(".xml", StringComparison.Ordinal) || e.DataStream is null) continue;
            using var reader = new StreamReader(e.DataStream);
            return reader.ReadToEnd();
        }
        return null;
    }

    private static ProductRecord FromEop(string xml)
    {
        XNamespace gml = "http://www.opengis.net/gml/3.2", eop = "http://www.opengis.net/eop/2.0";
        var doc = XDocument.Parse(xml);
        string? Value(XName name) => doc.Descendants(name).FirstOrDefault()?.Value.Trim();
        var n = doc.Descendants(gml + "posList").First().Value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var points = new List<string>();
        for (var i = 0; i + 1 < n.Length; i += 2)
            points.Add($"{n[i + 1].ToString("R", CultureInfo.InvariantCulture)} {n[i].ToString("R", CultureInfo.InvariantCulture)}");
        var id = Value(eop + "identifier")!;
        var type = Value(eop + "productType")!;
        return new ProductRecord
        {
            Identifier = id,
            ProductType = type,
            Collections = [type],
            BeginTime = DateTimeOffset.Parse(Value(gml + "beginPosition")!, CultureInfo.InvariantCulture),
            EndTime = DateTimeOffset.Parse(Value(gml + "endPosition")!, CultureInfo.InvariantCulture),
            FootprintWkt = $"MULTIPOLYGON((({string.Join(", ", points)})))",
            Platform = doc.Descendants(eop + "Platform").FirstOrDefault()?.Element(eop + "shortName")?.Value,
            Instrument = doc.Descendants(eop + "Instrument").FirstOrDefault()?.Element(eop + "shortName")?.Value,
            SensorType = Value(eop + "sensorType"),
            AcquisitionType = Value(eop + "acquisitionType"),
            Status = Value(eop + "status"),
            ProcessingCenter = Value(eop + "processingCenter"),
            RawMetadata = xml,
            Prefix = id + "/",
            Coverages = [Coverage(id, $"{id}/{id}.tif")],
        };
    }

    public static CoverageRecord Coverage(string id, string location) => new()
    {
        Identifier = id, Location = location, Width = 10, Height = 10, Crs = "EPSG:4326",
        GeoTransform = [0, 1, 0, 0, 0, -1], Bands = [new BandRecord("band1", "Byte", null)],
    };

    /// <summary>One generated product: a 2°×2° square with its lower-left corner at (x, y), day <paramref name="day"/>
    /// of January 2021 from 10:00 to 10:05 UTC.</summary>
    public sealed record GeneratedProduct(string Id, double X, double Y, int Day, double CloudCover, int Orbit, string Direction);

    /// <summary>20 products: x = -20, -10, 0, 10, 20 and y = 0, 10, 20, 30; day 1..20; every third descending.</summary>
    public static IReadOnlyList<GeneratedProduct> Grid { get; } = Enumerable.Range(0, 20).Select(i => new GeneratedProduct(
        $"GEN_{i:D2}", -20 + 10 * (i % 5), 10 * (i / 5), i + 1, 5.0 * i, 1000 + i, i % 3 == 0 ? "DESCENDING" : "ASCENDING")).ToList();

    public static DateTimeOffset BeginOf(int day) => new(2021, 1, day, 10, 0, 0, TimeSpan.Zero);

    public static ProductRecord ToRecord(GeneratedProduct g)
    {
        string P(double x, double y) => $"{x.ToString(CultureInfo.InvariantCulture)} {y.ToString(CultureInfo.InvariantCulture)}";
        return new ProductRecord
        {
            Identifier = g.Id, ProductType = "GEN_OPT_L1", Collections = [Generated],
            BeginTime = BeginOf(g.Day), EndTime = BeginOf(g.Day).AddMinutes(5),
            FootprintWkt = $"MULTIPOLYGON((({P(g.X, g.Y)}, {P(g.X + 2, g.Y)}, {P(g.X + 2, g.Y + 2)}, {P(g.X, g.Y + 2)}, {P(g.X, g.Y)})))",
            Platform = "Sentinel-2A", Instrument = "MSI", SensorType = "OPTICAL", CloudCover = g.CloudCover,
            OrbitNumber = g.Orbit, OrbitDirection = g.Direction,
            Properties = new Dictionary<string, string> { ["tileId"] = $"T{g.Id[^2..]}" },
            Coverages = [Coverage(g.Id, $"{g.Id}/{g.Id}.tif")],
        };
    }
}
