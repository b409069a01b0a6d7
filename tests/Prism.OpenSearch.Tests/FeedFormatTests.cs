using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Prism.OpenSearch.Tests;

/// <summary>RSS, KML and HTML carry the same results, totals and paging as Atom.</summary>
public sealed partial class FeedFormatTests(OpenSearchServer server) : IClassFixture<OpenSearchServer>
{
    private static readonly XNamespace Kml = "http://www.opengis.net/kml/2.2";

    private async Task<(string Type, string Body)> GetAsync(string path)
    {
        using var r = await server.GetAsync(path);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return (r.Content.Headers.ContentType!.MediaType!, body);
    }

    private async Task<(List<string> Ids, long Total)> AtomAsync(string query)
    {
        var (_, body) = await GetAsync($"/opensearch/collections/ALL/atom/?{query}");
        var feed = XDocument.Parse(body).Root!;
        return (feed.Elements(OpenSearchServer.Atom + "entry").Select(e => e.Element(OpenSearchServer.Dc + "identifier")!.Value).ToList(),
            long.Parse(feed.Element(OpenSearchServer.Os + "totalResults")!.Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex("<td class=\"identifier\">([^<]*)</td>")]
    private static partial Regex HtmlIdentifier();

    [GeneratedRegex("<span class=\"totalResults\">([0-9]+)</span>")]
    private static partial Regex HtmlTotal();

    [Theory]
    [InlineData("")]
    [InlineData("bbox=20,40,21,41")]
    [InlineData("count=2&startIndex=3")]
    [InlineData("start=2006-08-01T00:00:00Z&end=2006-08-31T00:00:00Z&timerel=during")]
    public async Task Every_format_returns_the_atom_results(string query)
    {
        var (ids, total) = await AtomAsync(query);

        var (rssType, rssBody) = await GetAsync($"/opensearch/collections/ALL/rss/?{query}");
        Assert.Equal("application/rss+xml", rssType);
        var channel = XDocument.Parse(rssBody).Root!.Element("channel")!;
        Assert.Equal(ids, channel.Elements("item").Select(i => i.Element(OpenSearchServer.Dc + "identifier")!.Value));
        Assert.Equal(total.ToString(System.Globalization.CultureInfo.InvariantCulture), channel.Element(OpenSearchServer.Os + "totalResults")!.Value);
        Assert.All(channel.Elements("item"), i => Assert.NotNull(i.Element("guid")));

        var (kmlType, kmlBody) = await GetAsync($"/opensearch/collections/ALL/kml/?{query}");
        Assert.Equal("application/vnd.google-earth.kml+xml", kmlType);
        var document = XDocument.Parse(kmlBody).Root!.Element(Kml + "Document")!;
        var placemarks = document.Elements(Kml + "Placemark").ToList();
        Assert.Equal(ids, placemarks.Select(p => p.Element(Kml + "name")!.Value));
        Assert.Equal(total.ToString(System.Globalization.CultureInfo.InvariantCulture), document.Element(Kml + "ExtendedData")!
            .Elements(Kml + "Data").Single(d => d.Attribute("name")!.Value == "totalResults").Element(Kml + "value")!.Value);
        // Every placemark has a time span and a polygon whose coordinates are lon,lat pairs inside the globe.
        Assert.All(placemarks, p =>
        {
            Assert.NotNull(p.Element(Kml + "TimeSpan")?.Element(Kml + "begin"));
            var coordinates = p.Descendants(Kml + "coordinates").SelectMany(c => c.Value.Split(' ')).ToList();
            Assert.NotEmpty(coordinates);
            Assert.All(coordinates, c =>
            {
                var xy = c.Split(',').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                Assert.Equal(2, xy.Length);
                Assert.InRange(xy[0], -180, 180);
                Assert.InRange(xy[1], -90, 90);
            });
        });

        var (htmlType, html) = await GetAsync($"/opensearch/collections/ALL/html/?{query}");
        Assert.Equal("text/html", htmlType);
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Equal(ids, HtmlIdentifier().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)));
        Assert.Equal(total, long.Parse(HtmlTotal().Match(html).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Paging_links_of_the_new_formats_point_at_the_same_format()
    {
        var (_, rss) = await GetAsync("/opensearch/collections/ALL/rss/?count=2&startIndex=3");
        var links = XDocument.Parse(rss).Root!.Element("channel")!.Elements(OpenSearchServer.Atom + "link")
            .ToDictionary(l => l.Attribute("rel")!.Value, l => l.Attribute("href")!.Value);
        Assert.Contains("/opensearch/collections/ALL/rss/?", links["next"]);
        Assert.Contains("startIndex=5", links["next"]);
        Assert.Contains("startIndex=1", links["previous"]);
        var (_, html) = await GetAsync("/opensearch/collections/ALL/html/?count=2&startIndex=3");
        Assert.Contains("rel=\"next\" href=\"" + server.BaseUrl.TrimEnd('/'), html);
        Assert.Contains("/opensearch/collections/ALL/html/?count=2&amp;startIndex=5", html);
    }

    [Fact]
    public async Task Collection_search_and_descriptions_offer_the_new_formats()
    {
        var (_, kml) = await GetAsync("/opensearch/kml/");
        Assert.Contains("MER_FRS_1P", XDocument.Parse(kml).Root!.Element(Kml + "Document")!.Elements(Kml + "Placemark").Select(p => p.Element(Kml + "name")!.Value));
        var (_, osdd) = await GetAsync("/opensearch/collections/ALL/");
        var types = XDocument.Parse(osdd).Root!.Elements(OpenSearchServer.Os + "Url").Select(u => u.Attribute("type")!.Value).ToList();
        Assert.Contains("application/rss+xml", types);
        Assert.Contains("application/vnd.google-earth.kml+xml", types);
        Assert.Contains("text/html", types);
        using var unknown = await server.GetAsync("/opensearch/collections/ALL/pdf/");
        Assert.Equal(404, (int)unknown.StatusCode);
    }

    [Fact]
    public async Task Gdal_reads_the_kml_as_one_polygon_feature_per_product()
    {
        var (ids, _) = await AtomAsync("");
        var (_, kml) = await GetAsync("/opensearch/collections/ALL/kml/");
        var file = Path.Combine(Prism.Tests.TestEnvironment.TempFolder("opensearch-kml"), "results.kml");
        await File.WriteAllTextAsync(file, kml);
        var psi = new System.Diagnostics.ProcessStartInfo("ogrinfo") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-ro", "-al", "-geom=SUMMARY", file }) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = await p.StandardOutput.ReadToEndAsync() + await p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        Assert.True(p.ExitCode == 0, output);
        Assert.Contains($"Feature Count: {ids.Count}", output);
        // One multipolygon per feature, read as such by GDAL's KML driver.
        Assert.Equal(ids.Count, Regex.Matches(output, @"^\s*MULTIPOLYGON : \d+ geometries:", RegexOptions.Multiline).Count);
        foreach (var id in ids) Assert.Contains($"Name (String) = {id}", output);
    }

    [Fact]
    public async Task Html_escapes_what_it_echoes()
    {
        var (_, html) = await GetAsync("/opensearch/collections/ALL/html/?q=%3Cscript%3E");
        Assert.DoesNotContain("<script>", html);
    }
}
