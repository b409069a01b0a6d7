using System.Xml.Linq;
using Prism.Gateway.Ows.Wcs;

namespace Prism.Tests.Wcs;

[Collection(WcsCollection.Name)]
public sealed class WcsDocumentTests(WcsServer server)
{
    private static readonly XNamespace WcsNs = WcsXml.Wcs, Ows = WcsXml.Ows, Gml = WcsXml.Gml, Swe = WcsXml.Swe, Eo = WcsXml.WcsEo, Eop = WcsXml.Eop;

    private IEnumerable<(Prism.Catalog.ProductRecord P, Prism.Catalog.CoverageRecord C)> All =>
        server.Products.SelectMany(p => p.Coverages.Select(c => (p, c)));

    [Fact]
    public async Task Capabilities_validate_and_list_every_coverage_and_collection()
    {
        var body = await server.GetBytesAsync("SERVICE=WCS&REQUEST=GetCapabilities&ACCEPTVERSIONS=2.0.1");
        await Cli.ValidateAsync(body, "wcs/wcseo/1.0/wcsEOAll.xsd", "capabilities");
        var doc = XDocument.Parse(System.Text.Encoding.UTF8.GetString(body));
        var ids = doc.Descendants(WcsNs + "CoverageSummary").Select(s => s.Element(WcsNs + "CoverageId")!.Value).Order().ToArray();
        Assert.Equal(All.Select(x => WcsIds.Encode(x.C.Identifier)).Order().ToArray(), ids);
        Assert.All(doc.Descendants(WcsNs + "CoverageSummary"), s => Assert.Equal("RectifiedDataset", s.Element(WcsNs + "CoverageSubtype")!.Value));
        var profiles = doc.Descendants(Ows + "Profile").Select(p => p.Value).ToList();
        Assert.Contains("http://www.opengis.net/spec/WCS/2.0/conf/core", profiles);
        Assert.Contains("http://www.opengis.net/spec/WCS_application-profile_earth-observation/1.0/conf/eowcs", profiles);
        Assert.Equal(["image/tiff", "image/png", "image/jpeg"], doc.Descendants(WcsNs + "formatSupported").Select(f => f.Value));
        var ops = doc.Descendants(Ows + "Operation").Select(o => o.Attribute("name")!.Value).ToList();
        Assert.Equal(["GetCapabilities", "DescribeCoverage", "GetCoverage", "DescribeEOCoverageSet"], ops);
        var series = doc.Descendants(Eo + "DatasetSeriesSummary").ToList();
        var collections = server.Products.SelectMany(p => p.Collections).Distinct().Order().ToArray();
        Assert.Equal(collections.Select(WcsIds.Encode).ToArray(), series.Select(s => s.Element(Eo + "DatasetSeriesId")!.Value).Order().ToArray());
        foreach (var s in series)
        {
            var id = WcsIds.Decode(s.Element(Eo + "DatasetSeriesId")!.Value);
            var members = server.Products.Where(p => p.Collections.Contains(id)).ToList();
            Assert.Equal(members.Min(p => p.BeginTime), DateTimeOffset.Parse(s.Descendants(Gml + "beginPosition").Single().Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(members.Max(p => p.EndTime), DateTimeOffset.Parse(s.Descendants(Gml + "endPosition").Single().Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task Every_coverage_description_validates_and_describes_the_grid()
    {
        foreach (var (p, c) in All)
        {
            var id = WcsIds.Encode(c.Identifier);
            var body = await server.GetBytesAsync($"SERVICE=WCS&VERSION=2.0.1&REQUEST=DescribeCoverage&COVERAGEID={id}");
            await Cli.ValidateAsync(body, "wcs/wcseo/1.0/wcsEOAll.xsd", $"describe-{id}");
            var d = XDocument.Parse(System.Text.Encoding.UTF8.GetString(body));
            var env = d.Descendants(Gml + "Envelope").First();
            var gt = c.GeoTransform;
            var lower = env.Element(Gml + "lowerCorner")!.Value.Split(' ').Select(double.Parse).ToArray();
            var upper = env.Element(Gml + "upperCorner")!.Value.Split(' ').Select(double.Parse).ToArray();
            var offsets = d.Descendants(Gml + "offsetVector").Select(o => o.Value).ToList();
            if (c.Crs == "EPSG:4326")
            {
                // Geographic: EPSG axis order, latitude first.
                Assert.Equal("http://www.opengis.net/def/crs/EPSG/0/4326", env.Attribute("srsName")!.Value);
                Assert.Equal("Lat Long", env.Attribute("axisLabels")!.Value);
                Assert.Equal(gt[3] + c.Height * gt[5], lower[0], 9);
                Assert.Equal(gt[0], lower[1], 9);
                Assert.Equal(gt[3], upper[0], 9);
                Assert.Equal(gt[0] + c.Width * gt[1], upper[1], 9);
                Assert.Equal([$"0 {Cli.F(gt[1])}", $"{Cli.F(gt[5])} 0"], offsets);
            }
            else
            {
                // Projected (the UTM test product): easting first.
                Assert.Equal("EPSG:32634", c.Crs);
                Assert.Equal("http://www.opengis.net/def/crs/EPSG/0/32634", env.Attribute("srsName")!.Value);
                Assert.Equal("E N", env.Attribute("axisLabels")!.Value);
                Assert.Equal(gt[0], lower[0], 6);
                Assert.Equal(gt[3] + c.Height * gt[5], lower[1], 6);
                Assert.Equal(gt[0] + c.Width * gt[1], upper[0], 6);
                Assert.Equal(gt[3], upper[1], 6);
                Assert.Equal([$"{Cli.F(gt[1])} 0", $"0 {Cli.F(gt[5])}"], offsets);
            }
            Assert.Equal($"{c.Width - 1} {c.Height - 1}", d.Descendants(Gml + "high").Single().Value);
            var fields = d.Descendants(Swe + "field").ToList();
            Assert.Equal(c.Bands.Count, fields.Count);
            foreach (var (field, band) in fields.Zip(c.Bands))
            {
                Assert.Equal(WcsIds.Encode(band.Name), field.Attribute("name")!.Value);
                var nil = field.Descendants(Swe + "nilValue").SingleOrDefault();
                Assert.Equal(band.NoData, nil is null ? null : double.Parse(nil.Value, System.Globalization.CultureInfo.InvariantCulture));
                Assert.NotNull(field.Descendants(Swe + "uom").SingleOrDefault());
            }
            Assert.Equal(p.Identifier, d.Descendants(Eop + "identifier").Single().Value);
            Assert.Equal("image/tiff", d.Descendants(WcsNs + "nativeFormat").Single().Value);
        }
    }

    [Fact]
    public async Task DescribeEOCoverageSet_of_the_MERIS_collection_with_a_time_subset_returns_exactly_the_products_in_it()
    {
        var meris = server.Products.Where(p => p.ProductType.StartsWith("MER", StringComparison.Ordinal)).OrderBy(p => p.BeginTime).ToList();
        Assert.Equal(3, meris.Count);
        var collection = meris[0].Collections.Single();
        Assert.All(meris, p => Assert.Contains(collection, p.Collections));
        // From just after the first product's end to the second product's end: the second product only (overlaps),
        // then an interval over the last two.
        async Task<string[]> Set(string from, string to, string containment = "overlaps", string extra = "")
        {
            var body = await server.GetBytesAsync($"SERVICE=WCS&VERSION=2.0.1&REQUEST=DescribeEOCoverageSet&eoId={WcsIds.Encode(collection)}" +
                $"&subset=phenomenonTime(%22{from}%22,%22{to}%22)&containment={containment}{extra}");
            await Cli.ValidateAsync(body, "wcs/wcseo/1.0/wcsEOAll.xsd", "eocoverageset");
            var d = XDocument.Parse(System.Text.Encoding.UTF8.GetString(body));
            var ids = d.Descendants(WcsNs + "CoverageDescription").Select(c => c.Element(WcsNs + "CoverageId")!.Value).ToArray();
            Assert.Equal(ids.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), d.Root!.Attribute("numberReturned")!.Value);
            return ids;
        }
        static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
        string Id(int i) => WcsIds.Encode(meris[i].Coverages.Single().Identifier);

        Assert.Equal([Id(1)], await Set(Iso(meris[0].EndTime.AddSeconds(1)), Iso(meris[1].EndTime)));
        Assert.Equal([Id(1), Id(2)], await Set(Iso(meris[1].BeginTime.AddDays(-1)), Iso(meris[2].EndTime.AddDays(1))));
        Assert.Equal([Id(0), Id(1), Id(2)], await Set(Iso(meris[0].BeginTime), Iso(meris[2].BeginTime)));
        // contains: the product's interval must lie within the subset.
        Assert.Equal([Id(0), Id(1)], await Set(Iso(meris[0].BeginTime), Iso(meris[2].BeginTime), "contains"));
        Assert.Empty(await Set("2000-01-01T00:00:00Z", "2001-01-01T00:00:00Z"));
        // count limits what is returned, not what matched.
        var body = await server.GetBytesAsync($"SERVICE=WCS&VERSION=2.0.1&REQUEST=DescribeEOCoverageSet&eoId={WcsIds.Encode(collection)}&count=1");
        var doc = XDocument.Parse(System.Text.Encoding.UTF8.GetString(body));
        Assert.Equal("3", doc.Root!.Attribute("numberMatched")!.Value);
        Assert.Equal("1", doc.Root!.Attribute("numberReturned")!.Value);
        Assert.Single(doc.Descendants(Eo + "DatasetSeriesDescription"));
    }

    [Fact]
    public async Task DescribeEOCoverageSet_filters_by_Lat_and_Long()
    {
        var world = server.Products.Single(p => p.ProductType.Contains("WORLD", StringComparison.OrdinalIgnoreCase) || p.Identifier.Contains("WORLD", StringComparison.OrdinalIgnoreCase));
        var meris = server.Products.Where(p => p.ProductType.StartsWith("MER", StringComparison.Ordinal)).ToList();
        var eoIds = string.Join(',', server.Products.SelectMany(p => p.Collections).Distinct().Select(WcsIds.Encode));
        // A box in the southern hemisphere far from Europe: only the whole-world product covers it.
        var body = await server.GetBytesAsync($"SERVICE=WCS&VERSION=2.0.1&REQUEST=DescribeEOCoverageSet&eoId={eoIds}&subset=Lat(-50,-40)&subset=Long(-120,-110)");
        var ids = XDocument.Parse(System.Text.Encoding.UTF8.GetString(body)).Descendants(WcsNs + "CoverageId").Select(e => e.Value).ToArray();
        Assert.Equal([WcsIds.Encode(world.Coverages.Single().Identifier)], ids);
        // A point inside the first MERIS footprint's bounding box centre.
        var box = WcsCoverage.BoxOfWkt(meris[0].FootprintWkt)!;
        var (lat, lon) = ((box[1] + box[3]) / 2, (box[0] + box[2]) / 2);
        body = await server.GetBytesAsync($"SERVICE=WCS&VERSION=2.0.1&REQUEST=DescribeEOCoverageSet&eoId={eoIds}&subset=Lat({Cli.F(lat)})&subset=Long({Cli.F(lon)})");
        ids = XDocument.Parse(System.Text.Encoding.UTF8.GetString(body)).Descendants(WcsNs + "CoverageId").Select(e => e.Value).ToArray();
        Assert.Contains(WcsIds.Encode(meris[0].Coverages.Single().Identifier), ids);
        Assert.Contains(WcsIds.Encode(world.Coverages.Single().Identifier), ids);
    }

    [Fact]
    public async Task OWSLib_reads_the_capabilities_and_the_descriptions()
    {
        var script = """
            import sys
            from owslib.wcs import WebCoverageService
            wcs = WebCoverageService(sys.argv[1], version='2.0.1')
            print(wcs.identification.type, wcs.identification.version)
            for cid in sorted(wcs.contents):
                d = wcs.contents[cid]
                print(cid, d.grid.highlimits if d.grid is not None else None, d.supportedFormats)
            """;
        var output = await Cli.OkAsync("/usr/bin/python3", ["-c", script, server.Ows + "?"]);
        var lines = output.Trim().Split('\n');
        Assert.Contains("2.0.1", lines[0]);
        foreach (var (_, c) in All)
        {
            var line = Assert.Single(lines, l => l.StartsWith(WcsIds.Encode(c.Identifier) + " ", StringComparison.Ordinal));
            Assert.Contains($"'{c.Width - 1}', '{c.Height - 1}'", line);
        }
    }

    [Fact]
    public void Identifiers_are_mapped_to_NCNames_reversibly()
    {
        foreach (var id in new[] { "MER_FRS_1P", "2020-01-01", "a:b", "a b/c", "_x0041_", "ünïcode.ok" })
        {
            var nc = WcsIds.Encode(id);
            Assert.Equal(nc, System.Xml.XmlConvert.VerifyNCName(nc));
            Assert.Equal(id, WcsIds.Decode(nc));
        }
        Assert.Equal("MER_FRS_1P", WcsIds.Encode("MER_FRS_1P"));
    }
}
