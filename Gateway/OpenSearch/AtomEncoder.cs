using System.Globalization;
using System.Text;
using System.Xml;
using Prism.Catalog;

namespace Prism.Gateway.OpenSearch;

/// <summary>Search results as an Atom feed with the OpenSearch response elements (os:totalResults, os:startIndex,
/// os:itemsPerPage, os:Query), georss/GML footprints in lat/lon order, dc:date intervals and service links.</summary>
public static class AtomEncoder
{
    public const string Atom = "http://www.w3.org/2005/Atom";
    public const string Os = "http://a9.com/-/spec/opensearch/1.1/";
    public const string Dc = "http://purl.org/dc/elements/1.1/";
    public const string GeoRss = "http://www.georss.org/georss";
    public const string Gml = "http://www.opengis.net/gml";
    public const string Geo = "http://a9.com/-/opensearch/extensions/geo/1.0/";
    public const string Time = "http://a9.com/-/opensearch/extensions/time/1.0/";
    public const string Eo = "http://a9.com/-/opensearch/extensions/eo/1.0/";

    // Not indented: a page of 100 entries is ≈ 15 % smaller and cheaper to write; readers do not care.
    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = false, OmitXmlDeclaration = false };

    /// <summary>The product search feed written into <paramref name="output"/>.</summary>
    public static void WriteProducts(Http.PooledBuffer output, OpenSearchLinks links, string collection, OpenSearchRequest request, long total,
        IReadOnlyList<ProductRecord> products, string title)
    {
        using var stream = output.AsStream();
        using (var w = XmlWriter.Create(stream, Settings))
        {
            Header(w, links, collection, request, total, title);
            foreach (var p in products)
            {
                GeoShape? shape = null;
                try { shape = GeoWkt.Parse(p.FootprintWkt, footprint: true); } catch (FormatException) { }
                var entryLinks = links.Product(p, collection, shape);
                w.WriteStartElement("entry", Atom);
                w.WriteElementString("id", Atom, entryLinks[0].Href);
                w.WriteElementString("title", Atom, p.Identifier);
                w.WriteElementString("updated", Atom, OpenSearchLinks.Iso(p.UpdatedAt ?? p.EndTime));
                w.WriteElementString("identifier", Dc, p.Identifier);
                w.WriteElementString("date", Dc, $"{OpenSearchLinks.Iso(p.BeginTime)}/{OpenSearchLinks.Iso(p.EndTime)}");
                if (shape is not null) Footprint(w, shape);
                foreach (var e in OpenSearchRequest.EoParameters)
                    if (e.Read(p) is { } v) w.WriteElementString(e.Name, Eo, v);
                w.WriteStartElement("summary", Atom);
                w.WriteAttributeString("type", "text");
                w.WriteString(Summary(p));
                w.WriteEndElement();
                foreach (var l in entryLinks) Link(w, l);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
    }

    public static byte[] Collections(OpenSearchLinks links, OpenSearchRequest request, long total,
        IReadOnlyList<CollectionRecord> collections, string title)
    {
        using var ms = new MemoryStream();
        using (var w = XmlWriter.Create(ms, Settings))
        {
            Header(w, links, null, request, total, title);
            foreach (var c in collections)
            {
                w.WriteStartElement("entry", Atom);
                w.WriteElementString("id", Atom, links.CollectionDescription(c.Identifier));
                w.WriteElementString("title", Atom, c.Identifier);
                w.WriteElementString("updated", Atom, OpenSearchLinks.Iso(c.EndTime ?? DateTimeOffset.UnixEpoch));
                w.WriteElementString("identifier", Dc, c.Identifier);
                if (c.BeginTime is { } b && c.EndTime is { } e)
                    w.WriteElementString("date", Dc, $"{OpenSearchLinks.Iso(b)}/{OpenSearchLinks.Iso(e)}");
                w.WriteStartElement("summary", Atom);
                w.WriteAttributeString("type", "text");
                w.WriteString($"{c.ProductCount.ToString(CultureInfo.InvariantCulture)} products");
                w.WriteEndElement();
                foreach (var l in links.Collection(c.Identifier)) Link(w, l);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        return ms.ToArray();
    }

    private static void Header(XmlWriter w, OpenSearchLinks links, string? collection, OpenSearchRequest request, long total, string title)
    {
        w.WriteStartElement("feed", Atom);
        w.WriteAttributeString("xmlns", "os", null, Os);
        w.WriteAttributeString("xmlns", "dc", null, Dc);
        w.WriteAttributeString("xmlns", "georss", null, GeoRss);
        w.WriteAttributeString("xmlns", "gml", null, Gml);
        w.WriteAttributeString("xmlns", "geo", null, Geo);
        w.WriteAttributeString("xmlns", "time", null, Time);
        w.WriteAttributeString("xmlns", "eo", null, Eo);
        var paging = links.Paging(collection, "atom", OpenSearchEndpoints.AtomType, request, total);
        w.WriteElementString("id", Atom, paging[0].Href);
        w.WriteElementString("title", Atom, title);
        w.WriteElementString("updated", Atom, OpenSearchLinks.Iso(DateTimeOffset.UtcNow));
        w.WriteStartElement("author", Atom);
        w.WriteElementString("name", Atom, "Prism");
        w.WriteEndElement();
        foreach (var l in paging) Link(w, l);
        w.WriteElementString("totalResults", Os, total.ToString(CultureInfo.InvariantCulture));
        w.WriteElementString("startIndex", Os, request.StartIndex.ToString(CultureInfo.InvariantCulture));
        w.WriteElementString("itemsPerPage", Os, request.Count.ToString(CultureInfo.InvariantCulture));
        w.WriteStartElement("Query", Os);
        w.WriteAttributeString("role", "request");
        foreach (var (name, value) in request.Given.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var template = OpenSearchRequest.CoreParameters.FirstOrDefault(c => c.Name == name).Template
                ?? (OpenSearchRequest.EoParameters.Any(e => e.Name == name) ? "eo:" + name : name == "r" ? "geo:radius" : null);
            if (template is null) continue;
            var colon = template.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0) w.WriteAttributeString(template, value);
            else w.WriteAttributeString(template[..colon], template[(colon + 1)..], template[..colon] switch { "geo" => Geo, "time" => Time, _ => Eo }, value);
        }
        w.WriteEndElement();
    }

    /// <summary>The text summary of a product entry (Atom summary, RSS description, KML description, HTML).</summary>
    internal static string Summary(ProductRecord p) =>
        $"{p.ProductType} {p.Platform} {p.Instrument} {OpenSearchLinks.Iso(p.BeginTime)} – {OpenSearchLinks.Iso(p.EndTime)}".Replace("  ", " ", StringComparison.Ordinal);

    /// <summary>An atom:link (prefixed wherever the document binds the Atom namespace to a prefix, as RSS and KML do).</summary>
    internal static void Link(XmlWriter w, OpenSearchLink l)
    {
        w.WriteStartElement("link", Atom);
        w.WriteAttributeString("rel", l.Rel);
        w.WriteAttributeString("href", l.Href);
        if (l.Type is not null) w.WriteAttributeString("type", l.Type);
        if (l.Title is not null) w.WriteAttributeString("title", l.Title);
        w.WriteEndElement();
    }

    /// <summary>"lat lon lat lon …" (georss and GML in EPSG:4326 axis order).</summary>
    internal static string LatLon(IEnumerable<(double X, double Y)> ring) =>
        string.Join(' ', ring.Select(p => $"{p.Y.ToString("R", CultureInfo.InvariantCulture)} {p.X.ToString("R", CultureInfo.InvariantCulture)}"));

    /// <summary>georss:polygon (lat lon order) for a one-part footprint; georss:where with a GML MultiSurface (lat lon,
    /// EPSG:4326 axis order) for footprints of several parts (e.g. split at the antimeridian).</summary>
    private static void Footprint(XmlWriter w, GeoShape shape)
    {
        if (shape.Type == "POLYGON" || (shape.Type == "MULTIPOLYGON" && shape.Parts.Count == 1))
        {
            w.WriteElementString("polygon", GeoRss, LatLon(shape.Parts[0][0]));
            return;
        }
        if (!shape.IsPolygonal)
        {
            var (ws, ss, es, ns) = shape.Box();
            w.WriteElementString("box", GeoRss, FormattableString.Invariant($"{ss} {ws} {ns} {es}"));
            return;
        }
        w.WriteStartElement("where", GeoRss);
        w.WriteStartElement("MultiSurface", Gml);
        w.WriteAttributeString("srsName", "EPSG:4326");
        foreach (var polygon in shape.Parts)
        {
            w.WriteStartElement("surfaceMember", Gml);
            w.WriteStartElement("Polygon", Gml);
            for (var i = 0; i < polygon.Count; i++)
            {
                w.WriteStartElement(i == 0 ? "exterior" : "interior", Gml);
                w.WriteStartElement("LinearRing", Gml);
                w.WriteElementString("posList", Gml, LatLon(polygon[i]));
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();
    }
}
