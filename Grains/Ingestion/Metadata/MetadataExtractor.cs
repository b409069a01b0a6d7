using Prism.IO;
using System.Globalization;
using System.Xml;
using System.Xml.XPath;
using Prism.Ingestion.Geometry;

namespace Prism.Ingestion;

/// <summary>
/// Reads a product's XML metadata document (EO-O&amp;M by default) with the XPaths of
/// <see cref="PreprocessingOptions.Extractors"/>. The product type is read first with the base extractors, then the
/// document is read again with the options resolved for that type (<see cref="PreprocessingOptions.ResolveFor"/>).
/// <para>The document is untrusted: DTDs are prohibited (so no entity expansion and no XXE), no external resource
/// is ever resolved, and its size is limited by <see cref="PreprocessingLimits.MaxMetadataBytes"/>. Every problem
/// of the document throws <see cref="PermanentIngestException"/> naming the cause.</para>
/// </summary>
public static class MetadataExtractor
{
    public static ProductMetadata Extract(string xmlPath, PreprocessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var info = new FileInfo(xmlPath);
        if (!info.Exists) throw new PermanentIngestException($"metadata file '{Path.GetFileName(xmlPath)}' not found");
        if (info.Length > options.Limits.MaxMetadataBytes)
            throw new PermanentIngestException($"metadata file '{Path.GetFileName(xmlPath)}' is {info.Length} bytes, more than the limit of {options.Limits.MaxMetadataBytes} bytes");
        using var stream = new FileStream(xmlPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        return Extract(stream, options, Path.GetFileName(xmlPath));
    }

    /// <param name="documentName">Name used in error messages.</param>
    public static ProductMetadata Extract(Stream xml, PreprocessingOptions options, string documentName = "metadata")
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentNullException.ThrowIfNull(options);
        var document = Load(xml, options.Limits.MaxMetadataBytes, documentName);
        var navigator = document.CreateNavigator();

        var baseOptions = options.ResolveFor(null);
        var productType = MetadataValues.CheckIdentifier(
            Evaluate(navigator, baseOptions, PreprocessingOptions.Fields.ProductType, documentName), "productType");
        var resolved = options.ResolveFor(productType);
        return Read(navigator, resolved, documentName);
    }

    /// <summary>Reads all fields with already resolved options (the product type is read again with them).</summary>
    public static ProductMetadata Extract(Stream xml, ResolvedPreprocessing options, string documentName = "metadata")
    {
        var document = Load(xml, options.Limits.MaxMetadataBytes, documentName);
        return Read(document.CreateNavigator(), options, documentName);
    }

    private static ProductMetadata Read(XPathNavigator nav, ResolvedPreprocessing o, string doc)
    {
        string? Get(string field) => Evaluate(nav, o, field, doc);
        var known = PreprocessingOptions.Fields.Known;

        var identifier = MetadataValues.CheckIdentifier(Get(PreprocessingOptions.Fields.Identifier), "identifier");
        var productType = MetadataValues.CheckIdentifier(Get(PreprocessingOptions.Fields.ProductType), "productType");
        var beginText = Get(PreprocessingOptions.Fields.BeginTime);
        if (string.IsNullOrWhiteSpace(beginText)) throw new PermanentIngestException("missing beginTime");
        var endText = Get(PreprocessingOptions.Fields.EndTime);
        if (string.IsNullOrWhiteSpace(endText)) throw new PermanentIngestException("missing endTime");
        var begin = MetadataValues.ParseTime(beginText, "beginTime");
        var end = MetadataValues.ParseTime(endText, "endTime");
        MetadataValues.CheckTimeOrder(begin, end);

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var field in o.Extractors.Keys.Where(k => !known.Contains(k)).Order(StringComparer.Ordinal))
        {
            var value = MetadataValues.CheckText(Get(field), field);
            if (value is not null) properties[field] = value;
        }

        return new ProductMetadata
        {
            Identifier = identifier,
            ProductType = productType,
            BeginTime = begin,
            EndTime = end,
            FootprintWkt = ReadFootprint(nav, o, doc),
            Platform = MetadataValues.CheckText(Get(PreprocessingOptions.Fields.Platform), "platform"),
            Instrument = MetadataValues.CheckText(Get(PreprocessingOptions.Fields.Instrument), "instrument"),
            SensorType = MetadataValues.CheckText(Get(PreprocessingOptions.Fields.SensorType), "sensorType"),
            CloudCover = MetadataValues.ParseCloudCover(Get(PreprocessingOptions.Fields.CloudCover)),
            OrbitNumber = MetadataValues.ParseInt(Get(PreprocessingOptions.Fields.OrbitNumber), "orbitNumber"),
            OrbitDirection = MetadataValues.CheckText(Get(PreprocessingOptions.Fields.OrbitDirection), "orbitDirection"),
            AcquisitionType = MetadataValues.CheckText(Get(PreprocessingOptions.Fields.AcquisitionType), "acquisitionType"),
            ProcessingCenter = MetadataValues.CheckText(Get(PreprocessingOptions.Fields.ProcessingCenter), "processingCenter"),
            Status = MetadataValues.CheckText(Get(PreprocessingOptions.Fields.Status), "status"),
            Level = MetadataValues.CheckText(Get(PreprocessingOptions.Fields.Level), "level"),
            Properties = properties,
        };
    }

    /// <summary>Each node the footprint XPath selects is one polygon: a gml:posList ("lat lon lat lon …"), or a
    /// gml:Polygon / gml:LinearRing / gml:exterior whose first (exterior) posList is used.</summary>
    private static string? ReadFootprint(XPathNavigator nav, ResolvedPreprocessing o, string doc)
    {
        if (!o.Extractors.TryGetValue(PreprocessingOptions.Fields.Footprint, out var xpath) || string.IsNullOrWhiteSpace(xpath)) return null;
        var result = nav.Evaluate(Compile(xpath, o, PreprocessingOptions.Fields.Footprint));
        var rings = new List<IReadOnlyList<LonLat>>();
        if (result is XPathNodeIterator nodes)
        {
            while (nodes.MoveNext())
            {
                var node = nodes.Current!;
                string text;
                if (node.LocalName is "Polygon" or "LinearRing" or "exterior")
                {
                    var posList = node.SelectSingleNode(".//*[local-name()='posList']");
                    text = posList?.Value ?? node.Value;
                }
                else text = node.Value;
                if (!string.IsNullOrWhiteSpace(text)) rings.Add(Footprint.ParsePosList(text));
            }
        }
        else if (result is string s && !string.IsNullOrWhiteSpace(s)) rings.Add(Footprint.ParsePosList(s));
        if (rings.Count == 0) return null;
        try
        {
            return Footprint.NormalizeToMultiPolygonWkt(rings);
        }
        catch (PermanentIngestException ex)
        {
            throw new PermanentIngestException($"invalid footprint in '{doc}': {ex.Message}", ex);
        }
    }

    private static string? Evaluate(XPathNavigator nav, ResolvedPreprocessing o, string field, string doc)
    {
        if (!o.Extractors.TryGetValue(field, out var xpath) || string.IsNullOrWhiteSpace(xpath)) return null;
        var result = nav.Evaluate(Compile(xpath, o, field));
        return result switch
        {
            XPathNodeIterator it => it.MoveNext() ? it.Current!.Value : null,
            string s => s,
            double d => double.IsNaN(d) ? null : d.ToString("R", CultureInfo.InvariantCulture),
            bool b => b ? "true" : "false",
            _ => null,
        };
    }

    private static XPathExpression Compile(string xpath, ResolvedPreprocessing o, string field)
    {
        var nsm = new XmlNamespaceManager(new NameTable());
        foreach (var (prefix, uri) in o.Namespaces) nsm.AddNamespace(prefix, uri);
        try
        {
            return XPathExpression.Compile(xpath, nsm);
        }
        catch (XPathException ex)
        {
            // A configuration error, not the product's fault: not permanent for the product.
            throw new InvalidOperationException($"invalid XPath for metadata field '{field}': {xpath}: {ex.Message}", ex);
        }
    }

    private static XPathDocument Load(Stream xml, long maxBytes, string doc)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = maxBytes,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        };
        try
        {
            using var limited = new LimitedReadStream(xml, maxBytes,
                () => new PermanentIngestException($"metadata '{doc}' is larger than the limit of {maxBytes} bytes"), leaveOpen: true);
            using var reader = XmlReader.Create(limited, settings);
            return new XPathDocument(reader);
        }
        catch (XmlException ex) when (ex.Message.Contains("DTD", StringComparison.OrdinalIgnoreCase))
        {
            throw new PermanentIngestException(
                $"metadata '{doc}' is rejected: it contains a DTD (<!DOCTYPE>), which is prohibited to prevent entity expansion and external entity (XXE) attacks", ex);
        }
        catch (XmlException ex)
        {
            throw new PermanentIngestException($"metadata '{doc}' is not well-formed XML: {ex.Message}", ex);
        }
    }
}
