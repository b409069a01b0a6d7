using System.Globalization;
using System.Text;
using System.Xml;

namespace Prism.Gateway.OpenSearch;

/// <summary>What the catalog offers for the OSDD's parameter options: distinct values of the EO text properties,
/// numeric ranges, the time extent and the identifiers (collections) a <c>uid</c> may name.</summary>
public sealed record OpenSearchFacts(
    IReadOnlyDictionary<string, IReadOnlyList<string>> Values,
    IReadOnlyDictionary<string, (double Min, double Max)> Ranges,
    DateTimeOffset? Begin, DateTimeOffset? End,
    IReadOnlyList<string>? Identifiers);

/// <summary>The OpenSearch description document (OSDD): Url templates (Atom, GeoJSON) with the core, Geo, Time and
/// EO parameters, each described by a <c>parameters:Parameter</c> (OpenSearch Parameter extension 1.0) with options
/// and ranges taken from the catalog.</summary>
public static class DescriptionEncoder
{
    public const string Os = "http://a9.com/-/spec/opensearch/1.1/";
    public const string Parameters = "http://a9.com/-/spec/opensearch/extensions/parameters/1.0/";

    private static readonly XmlWriterSettings Settings = new() { Encoding = new UTF8Encoding(false), Indent = true };

    public static readonly (string Format, string Type)[] Formats =
        [("atom", OpenSearchEndpoints.AtomType), ("json", OpenSearchEndpoints.GeoJsonType), ("rss", FeedEncoders.RssType),
         ("kml", FeedEncoders.KmlType), ("html", FeedEncoders.HtmlType)];

    /// <summary>The template of one search URL: every parameter optional.</summary>
    public static string Template(string searchUrl)
    {
        var sb = new StringBuilder(searchUrl).Append('?');
        var first = true;
        foreach (var (name, template, _) in OpenSearchRequest.CoreParameters)
        {
            if (!first) sb.Append('&');
            first = false;
            sb.Append(name).Append("={").Append(template).Append("?}");
        }
        foreach (var e in OpenSearchRequest.EoParameters) sb.Append('&').Append(e.Name).Append("={eo:").Append(e.Name).Append("?}");
        return sb.ToString();
    }

    public static byte[] Encode(OpenSearchOptions o, OpenSearchLinks links, string? collection, OpenSearchFacts facts)
    {
        using var ms = new MemoryStream();
        using (var w = XmlWriter.Create(ms, Settings))
        {
            w.WriteStartElement("OpenSearchDescription", Os);
            w.WriteAttributeString("xmlns", "geo", null, AtomEncoder.Geo);
            w.WriteAttributeString("xmlns", "time", null, AtomEncoder.Time);
            w.WriteAttributeString("xmlns", "eo", null, AtomEncoder.Eo);
            w.WriteAttributeString("xmlns", "parameters", null, Parameters);
            w.WriteAttributeString("xmlns", "atom", null, AtomEncoder.Atom);
            w.WriteElementString("ShortName", Os, Cut(o.ShortName, 16));
            w.WriteElementString("LongName", Os, Cut(collection is null ? o.LongName : $"{o.ShortName}: {collection}", 48));
            w.WriteElementString("Description", Os, Cut(collection is null
                ? $"{o.Description}: search of the collections"
                : $"{o.Description}: search of the products of collection {collection}", 1024));
            w.WriteElementString("Tags", Os, Cut(o.Tags, 256));
            if (!string.IsNullOrEmpty(o.Contact) && o.Contact.Contains('@')) w.WriteElementString("Contact", Os, o.Contact);

            foreach (var (format, type) in Formats)
            {
                w.WriteStartElement("Url", Os);
                w.WriteAttributeString("type", type);
                w.WriteAttributeString("rel", "results");
                w.WriteAttributeString("indexOffset", "1");
                w.WriteAttributeString("pageOffset", "1");
                w.WriteAttributeString("template", Template(links.SearchPath(collection, format)));
                WriteParameters(w, o, facts);
                w.WriteEndElement();
            }
            w.WriteStartElement("Url", Os);
            w.WriteAttributeString("type", OpenSearchEndpoints.DescriptionType);
            w.WriteAttributeString("rel", "self");
            w.WriteAttributeString("template", collection is null ? links.RootDescription : links.CollectionDescription(collection));
            w.WriteEndElement();
            if (collection is not null)
            {
                w.WriteStartElement("Url", Os);
                w.WriteAttributeString("type", OpenSearchEndpoints.DescriptionType);
                w.WriteAttributeString("rel", "collection");
                w.WriteAttributeString("template", links.RootDescription);
                w.WriteEndElement();
            }

            w.WriteStartElement("Query", Os);
            w.WriteAttributeString("role", "example");
            w.WriteAttributeString("searchTerms", "");
            w.WriteAttributeString("geo", "box", AtomEncoder.Geo, "-180,-90,180,90");
            if (facts.Begin is { } b && facts.End is { } e)
            {
                w.WriteAttributeString("time", "start", AtomEncoder.Time, OpenSearchLinks.Iso(b));
                w.WriteAttributeString("time", "end", AtomEncoder.Time, OpenSearchLinks.Iso(e));
            }
            w.WriteEndElement();

            w.WriteElementString("Developer", Os, Cut(o.Developer, 64));
            w.WriteElementString("Attribution", Os, Cut(o.Attribution, 256));
            w.WriteElementString("SyndicationRight", Os, "open");
            w.WriteElementString("AdultContent", Os, "false");
            w.WriteElementString("Language", Os, "en");
            w.WriteElementString("InputEncoding", Os, "UTF-8");
            w.WriteElementString("OutputEncoding", Os, "UTF-8");
            w.WriteEndElement();
        }
        return ms.ToArray();
    }

    private static void WriteParameters(XmlWriter w, OpenSearchOptions o, OpenSearchFacts facts)
    {
        foreach (var (name, template, title) in OpenSearchRequest.CoreParameters)
        {
            w.WriteStartElement("parameters", "Parameter", Parameters);
            w.WriteAttributeString("name", name);
            w.WriteAttributeString("value", "{" + template + "}");
            w.WriteAttributeString("title", title);
            w.WriteAttributeString("minimum", "0");
            switch (name)
            {
                case "count":
                    w.WriteAttributeString("minInclusive", "0");
                    w.WriteAttributeString("maxInclusive", o.MaxCount.ToString(CultureInfo.InvariantCulture));
                    break;
                case "startIndex" or "startPage":
                    w.WriteAttributeString("minInclusive", "1");
                    break;
                case "bbox":
                    w.WriteAttributeString("pattern", @"^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$");
                    break;
                case "lat":
                    w.WriteAttributeString("minInclusive", "-90");
                    w.WriteAttributeString("maxInclusive", "90");
                    break;
                case "lon":
                    w.WriteAttributeString("minInclusive", "-180");
                    w.WriteAttributeString("maxInclusive", "180");
                    break;
                case "radius":
                    w.WriteAttributeString("minInclusive", "0");
                    w.WriteAttributeString("maxInclusive", o.MaxRadius.ToString("R", CultureInfo.InvariantCulture));
                    break;
                case "start" or "end" when facts.Begin is { } b && facts.End is { } e:
                    w.WriteAttributeString("minInclusive", OpenSearchLinks.Iso(b));
                    w.WriteAttributeString("maxInclusive", OpenSearchLinks.Iso(e));
                    break;
            }
            var options = name switch
            {
                "georel" => OpenSearchRequest.GeoRelations,
                "timerel" => OpenSearchRequest.TimeRelations,
                "uid" => facts.Identifiers,
                _ => null,
            };
            Options(w, options);
            w.WriteEndElement();
        }
        foreach (var e in OpenSearchRequest.EoParameters)
        {
            w.WriteStartElement("parameters", "Parameter", Parameters);
            w.WriteAttributeString("name", e.Name);
            w.WriteAttributeString("value", "{eo:" + e.Name + "}");
            w.WriteAttributeString("title", e.Title);
            w.WriteAttributeString("minimum", "0");
            if (facts.Ranges.TryGetValue(e.Name, out var range))
            {
                w.WriteAttributeString("minInclusive", range.Min.ToString("R", CultureInfo.InvariantCulture));
                w.WriteAttributeString("maxInclusive", range.Max.ToString("R", CultureInfo.InvariantCulture));
            }
            if (facts.Values.TryGetValue(e.Name, out var values)) Options(w, values);
            w.WriteEndElement();
        }
    }

    private static void Options(XmlWriter w, IReadOnlyList<string>? values)
    {
        if (values is null) return;
        foreach (var v in values)
        {
            w.WriteStartElement("parameters", "Option", Parameters);
            w.WriteAttributeString("value", v);
            w.WriteAttributeString("label", v);
            w.WriteEndElement();
        }
    }

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..max];
}
