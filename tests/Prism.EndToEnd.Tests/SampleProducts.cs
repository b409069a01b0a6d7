using System.Globalization;
using System.Xml.Linq;

namespace Prism.Tests;

/// <summary>Facts about the shared sample products, read independently of the project's own parsers.</summary>
public sealed record SampleProduct(string Archive, string Key, string Identifier, DateTimeOffset Begin, DateTimeOffset End,
    string FootprintWkt, bool GcpOnly)
{
    public static IReadOnlyList<SampleProduct> All { get; } = Load();

    private static IReadOnlyList<SampleProduct> Load()
    {
        var list = new List<SampleProduct>();
        foreach (var archive in Directory.GetFiles(TestEnvironment.Products).Order())
        {
            var dir = Tools.UnpackAsync(archive).GetAwaiter().GetResult();
            var xml = Directory.GetFiles(dir, "*.xml", SearchOption.AllDirectories).Single();
            var doc = XDocument.Load(xml);
            XNamespace gml = "http://www.opengis.net/gml/3.2", eop = "http://www.opengis.net/eop/2.0";
            var posList = doc.Descendants(gml + "posList").First().Value
                .Split((char[])[' ', '\n', '\t', '\r'], StringSplitOptions.RemoveEmptyEntries)
                .Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            var points = Enumerable.Range(0, posList.Length / 2)
                .Select(i => $"{posList[2 * i + 1].ToString(CultureInfo.InvariantCulture)} {posList[2 * i].ToString(CultureInfo.InvariantCulture)}");
            var name = Path.GetFileName(archive);
            var key = name.EndsWith(".tar.gz") ? name[..^7] : Path.GetFileNameWithoutExtension(name);
            list.Add(new SampleProduct(archive, key,
                doc.Descendants(eop + "identifier").First().Value,
                DateTimeOffset.Parse(doc.Descendants(gml + "beginPosition").First().Value, CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(doc.Descendants(gml + "endPosition").First().Value, CultureInfo.InvariantCulture),
                $"POLYGON(({string.Join(", ", points)}))",
                key.StartsWith("ASA_", StringComparison.Ordinal)));
            Directory.Delete(dir, true);
        }
        return list;
    }

    /// <summary>The source rasters of a product, unpacked into a new folder.</summary>
    public async Task<string[]> UnpackRastersAsync()
    {
        var dir = await Tools.UnpackAsync(Archive);
        return Directory.GetFiles(dir, "*.tif*", SearchOption.AllDirectories).Order().ToArray();
    }
}
