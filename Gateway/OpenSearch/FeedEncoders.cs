using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Xml;
using Prism.Catalog;

namespace Prism.Gateway.OpenSearch;

/// <summary>
/// The other result formats EOxServer offers besides Atom and GeoJSON: <b>RSS 2.0</b> (with the OpenSearch response
/// elements, atom:link paging and georss footprints), <b>KML 2.2</b> (one Placemark per product: footprint polygons in
/// lon,lat and a TimeSpan; no paging in KML itself, the totals are in the Document's ExtendedData) and <b>HTML</b> (a
/// page with the totals, a table of the results and the paging links). Same links and totals as the Atom feed.
/// </summary>
public static class FeedEncoders
{
    public const string RssType = "application/rss+xml";
    public const string KmlType = "application/vnd.google-earth.kml+xml";
    public const string HtmlType = "text/html";
    public const string Kml = "http://www.opengis.net/kml/2.2";

    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = true };

    /// <summary>A search result in one of the formats <c>rss</c>, <c>kml</c>, <c>html</c>, written into <paramref name="output"/>.</summary>
    public static void WriteProducts(string format, Stream output, OpenSearchLinks links, string collection, OpenSearchRequest request, long total,
        IReadOnlyList<ProductRecord> products, string title)
    {
        var entries = products.Select(p =>
        {
            GeoShape? shape = null;
            try { shape = GeoWkt.Parse(p.FootprintWkt, footprint: true); } catch (FormatException) { }
            var entryLinks = links.Product(p, collection, shape);
            return new Entry(p.Identifier, entryLinks[0].Href, OpenSearchLinks.Iso(p.UpdatedAt ?? p.EndTime),
                p.BeginTime, p.EndTime, AtomEncoder.Summary(p), shape, entryLinks);
        }).ToList();
        Encode(format, output, links, collection, request, total, entries, title);
    }

    public static byte[] Collections(string format, OpenSearchLinks links, OpenSearchRequest request, long total,
        IReadOnlyList<CollectionRecord> collections, string title)
    {
        var entries = collections.Select(c => new Entry(c.Identifier, links.CollectionDescription(c.Identifier),
            OpenSearchLinks.Iso(c.EndTime ?? DateTimeOffset.UnixEpoch), c.BeginTime, c.EndTime,
            $"{c.ProductCount.ToString(CultureInfo.InvariantCulture)} products", null, links.Collection(c.Identifier))).ToList();
        using var output = new MemoryStream();
        Encode(format, output, links, null, request, total, entries, title);
        return output.ToArray();
    }

    /// <summary>The content type of a format (without charset).</summary>
    public static string ContentType(string format) => format switch
    {
        "rss" => RssType,
        "kml" => KmlType,
        _ => HtmlType,
    };

    private sealed record Entry(string Identifier, string Id, string Updated, DateTimeOffset? Begin, DateTimeOffset? End,
        string Summary, GeoShape? Shape, IReadOnlyList<OpenSearchLink> Links);

    private static void Encode(string format, Stream output, OpenSearchLinks links, string? collection, OpenSearchRequest request, long total,
        List<Entry> entries, string title)
    {
        var paging = links.Paging(collection, format, ContentType(format), request, total);
        switch (format)
        {
            case "rss": Rss(output, paging, request, total, entries, title); break;
            case "kml": KmlDocument(output, paging, request, total, entries, title); break;
            default: Html(output, paging, request, total, entries, title); break;
        }
    }

    private static void Rss(Stream output, IReadOnlyList<OpenSearchLink> paging, OpenSearchRequest request, long total, List<Entry> entries, string title)
    {
        using (var w = XmlWriter.Create(output, Settings))
        {
            w.WriteStartElement("rss");
            w.WriteAttributeString("version", "2.0");
            w.WriteAttributeString("xmlns", "atom", null, AtomEncoder.Atom);
            w.WriteAttributeString("xmlns", "os", null, AtomEncoder.Os);
            w.WriteAttributeString("xmlns", "dc", null, AtomEncoder.Dc);
            w.WriteAttributeString("xmlns", "georss", null, AtomEncoder.GeoRss);
            w.WriteStartElement("channel");
            w.WriteElementString("title", title);
            w.WriteElementString("link", paging[0].Href);
            w.WriteElementString("description", $"{title}: {total.ToString(CultureInfo.InvariantCulture)} results");
            foreach (var l in paging) AtomEncoder.Link(w, l);
            w.WriteElementString("totalResults", AtomEncoder.Os, total.ToString(CultureInfo.InvariantCulture));
            w.WriteElementString("startIndex", AtomEncoder.Os, request.StartIndex.ToString(CultureInfo.InvariantCulture));
            w.WriteElementString("itemsPerPage", AtomEncoder.Os, request.Count.ToString(CultureInfo.InvariantCulture));
            foreach (var e in entries)
            {
                w.WriteStartElement("item");
                w.WriteElementString("title", e.Identifier);
                w.WriteElementString("link", e.Id);
                w.WriteElementString("description", e.Summary);
                w.WriteStartElement("guid");
                w.WriteAttributeString("isPermaLink", "false");
                w.WriteString(e.Id);
                w.WriteEndElement();
                w.WriteElementString("identifier", AtomEncoder.Dc, e.Identifier);
                if (e.Begin is { } b && e.End is { } end)
                    w.WriteElementString("date", AtomEncoder.Dc, $"{OpenSearchLinks.Iso(b)}/{OpenSearchLinks.Iso(end)}");
                if (e.Shape is { } shape)
                {
                    var (west, south, east, north) = shape.Box();
                    if (shape.IsPolygonal && shape.Parts.Count == 1)
                        w.WriteElementString("polygon", AtomEncoder.GeoRss, AtomEncoder.LatLon(shape.Parts[0][0]));
                    else
                        w.WriteElementString("box", AtomEncoder.GeoRss, FormattableString.Invariant($"{south} {west} {north} {east}"));
                }
                foreach (var l in e.Links.Skip(1)) AtomEncoder.Link(w, l);
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
        }
    }

    private static void KmlDocument(Stream output, IReadOnlyList<OpenSearchLink> paging, OpenSearchRequest request, long total, List<Entry> entries, string title)
    {
        using (var w = XmlWriter.Create(output, Settings))
        {
            w.WriteStartElement("kml", Kml);
            w.WriteAttributeString("xmlns", "atom", null, AtomEncoder.Atom);
            w.WriteStartElement("Document", Kml);
            w.WriteElementString("name", Kml, title);
            foreach (var l in paging) AtomEncoder.Link(w, l);
            w.WriteStartElement("ExtendedData", Kml);
            Data(w, "totalResults", total.ToString(CultureInfo.InvariantCulture));
            Data(w, "startIndex", request.StartIndex.ToString(CultureInfo.InvariantCulture));
            Data(w, "itemsPerPage", request.Count.ToString(CultureInfo.InvariantCulture));
            w.WriteEndElement();
            foreach (var e in entries)
            {
                w.WriteStartElement("Placemark", Kml);
                w.WriteAttributeString("id", e.Identifier);
                w.WriteElementString("name", Kml, e.Identifier);
                w.WriteElementString("description", Kml, e.Summary);
                AtomEncoder.Link(w, e.Links[0]);
                if (e.Begin is { } b && e.End is { } end)
                {
                    w.WriteStartElement("TimeSpan", Kml);
                    w.WriteElementString("begin", Kml, OpenSearchLinks.Iso(b));
                    w.WriteElementString("end", Kml, OpenSearchLinks.Iso(end));
                    w.WriteEndElement();
                }
                if (e.Shape is { IsPolygonal: true } shape)
                {
                    w.WriteStartElement("MultiGeometry", Kml);
                    foreach (var polygon in shape.Parts)
                    {
                        w.WriteStartElement("Polygon", Kml);
                        for (var i = 0; i < polygon.Count; i++)
                        {
                            w.WriteStartElement(i == 0 ? "outerBoundaryIs" : "innerBoundaryIs", Kml);
                            w.WriteStartElement("LinearRing", Kml);
                            w.WriteElementString("coordinates", Kml, string.Join(' ', polygon[i].Select(p =>
                                $"{p.X.ToString("R", CultureInfo.InvariantCulture)},{p.Y.ToString("R", CultureInfo.InvariantCulture)}")));
                            w.WriteEndElement();
                            w.WriteEndElement();
                        }
                        w.WriteEndElement();
                    }
                    w.WriteEndElement();
                }
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
        }
    }

    private static void Html(Stream output, IReadOnlyList<OpenSearchLink> paging, OpenSearchRequest request, long total, List<Entry> entries, string title)
    {
        var h = HtmlEncoder.Default;
        var sb = new StringBuilder(4096 + entries.Count * 512);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(h.Encode(title)).Append("</title>");
        foreach (var l in paging)
            sb.Append("<link rel=\"").Append(h.Encode(l.Rel)).Append("\" href=\"").Append(h.Encode(l.Href)).Append("\" type=\"").Append(h.Encode(l.Type ?? "")).Append("\">");
        sb.Append("</head><body><h1>").Append(h.Encode(title)).Append("</h1>\n<p>");
        var first = entries.Count == 0 ? 0 : request.StartIndex;
        var last = entries.Count == 0 ? 0 : request.StartIndex + entries.Count - 1;
        sb.Append(CultureInfo.InvariantCulture, $"Results {first}–{last} of <span class=\"totalResults\">{total}</span></p>\n<nav>");
        foreach (var l in paging.Where(l => l.Rel is "first" or "previous" or "next" or "last"))
            sb.Append("<a rel=\"").Append(h.Encode(l.Rel)).Append("\" href=\"").Append(h.Encode(l.Href)).Append("\">").Append(h.Encode(l.Rel)).Append("</a> ");
        sb.Append("</nav>\n<table><thead><tr><th>identifier</th><th>begin</th><th>end</th><th>summary</th><th>links</th></tr></thead><tbody>\n");
        foreach (var e in entries)
        {
            sb.Append("<tr><td class=\"identifier\">").Append(h.Encode(e.Identifier)).Append("</td><td>")
              .Append(e.Begin is { } b ? OpenSearchLinks.Iso(b) : "").Append("</td><td>")
              .Append(e.End is { } end ? OpenSearchLinks.Iso(end) : "").Append("</td><td>")
              .Append(h.Encode(e.Summary)).Append("</td><td>");
            foreach (var l in e.Links)
                sb.Append("<a rel=\"").Append(h.Encode(l.Rel)).Append("\" href=\"").Append(h.Encode(l.Href)).Append("\">")
                  .Append(h.Encode(l.Title ?? l.Rel)).Append("</a> ");
            sb.Append("</td></tr>\n");
        }
        sb.Append("</tbody></table></body></html>\n");
        output.Write(Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private static void Data(XmlWriter w, string name, string value)
    {
        w.WriteStartElement("Data", Kml);
        w.WriteAttributeString("name", name);
        w.WriteElementString("value", Kml, value);
        w.WriteEndElement();
    }
}
