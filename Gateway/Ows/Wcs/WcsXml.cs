using System.Globalization;
using System.Xml;
using Prism.Catalog;
using Prism.Gateway.Ows.Common;

namespace Prism.Gateway.Ows.Wcs;

/// <summary>The WCS 2.0.1 / EO-WCS 1.0 XML documents: capabilities, coverage descriptions, EO coverage set descriptions.</summary>
public static class WcsXml
{
    public const string Wcs = "http://www.opengis.net/wcs/2.0";
    public const string Ows = "http://www.opengis.net/ows/2.0";
    public const string Gml = "http://www.opengis.net/gml/3.2";
    public const string GmlCov = "http://www.opengis.net/gmlcov/1.0";
    public const string Swe = "http://www.opengis.net/swe/2.0";
    public const string WcsEo = "http://www.opengis.net/wcs/wcseo/1.0";
    public const string Eop = "http://www.opengis.net/eop/2.0";
    public const string Om = "http://www.opengis.net/om/2.0";
    public const string Crs = "http://www.opengis.net/wcs/crs/1.0";
    public const string ContentType = "application/xml";

    public const string SchemaLocation =
        Wcs + " http://schemas.opengis.net/wcs/2.0/wcsAll.xsd " + WcsEo + " http://schemas.opengis.net/wcs/wcseo/1.0/wcsEOAll.xsd";

    /// <summary>The conformance classes (ows:Profile) this server implements.</summary>
    public static readonly string[] Profiles =
    [
        "http://www.opengis.net/spec/WCS/2.0/conf/core",
        "http://www.opengis.net/spec/WCS_protocol-binding_get-kvp/1.0/conf/get-kvp",
        "http://www.opengis.net/spec/GMLCOV/1.0/conf/gml-coverage",
        "http://www.opengis.net/spec/GMLCOV/1.0/conf/multipart",
        "http://www.opengis.net/spec/WCS_application-profile_earth-observation/1.0/conf/eowcs",
        "http://www.opengis.net/spec/WCS_application-profile_earth-observation/1.0/conf/eowcs_get-kvp",
        "http://www.opengis.net/spec/WCS_coverage-encoding_geotiff/1.0/conf/geotiff-coverage",
        "http://www.opengis.net/spec/WCS_service-extension_scaling/1.0/conf/scaling",
        "http://www.opengis.net/spec/WCS_service-extension_range-subsetting/1.0/conf/record-subsetting",
        "http://www.opengis.net/spec/WCS_service-extension_crs/1.0/conf/crs",
        "http://www.opengis.net/spec/WCS_service-extension_crs/1.0/conf/crs-gridded-coverage",
    ];

    public static readonly string[] Formats = ["image/tiff", "image/png", "image/jpeg"];

    public sealed record SeriesSummary(string Id, double[] Wgs84Box, DateTimeOffset Begin, DateTimeOffset End);

    public static byte[] Capabilities(OwsOptions ows, string endpoint, IReadOnlyList<WcsCoverage> coverages,
        IReadOnlyList<SeriesSummary> series, IReadOnlyCollection<int> crsSupported, int countDefault) => Xml.Write(w =>
    {
        w.WriteStartElement("wcs", "Capabilities", Wcs);
        Namespaces(w);
        w.WriteAttributeString("version", "2.0.1");
        w.WriteStartElement("ows", "ServiceIdentification", Ows);
        w.WriteElementString("ows", "Title", Ows, ows.Title);
        w.WriteElementString("ows", "Abstract", Ows, "Earth-observation coverages (WCS 2.0.1 with the EO application profile)");
        w.WriteStartElement("ows", "Keywords", Ows);
        foreach (var k in ows.Keywords.Append("WCS").Distinct()) w.WriteElementString("ows", "Keyword", Ows, k);
        w.WriteEndElement();
        w.WriteStartElement("ows", "ServiceType", Ows);
        w.WriteAttributeString("codeSpace", "OGC");
        w.WriteString("OGC WCS");
        w.WriteEndElement();
        w.WriteElementString("ows", "ServiceTypeVersion", Ows, "2.0.1");
        foreach (var p in Profiles) w.WriteElementString("ows", "Profile", Ows, p);
        w.WriteElementString("ows", "Fees", Ows, ows.Fees);
        w.WriteElementString("ows", "AccessConstraints", Ows, ows.AccessConstraints);
        w.WriteEndElement();

        w.WriteStartElement("ows", "ServiceProvider", Ows);
        w.WriteElementString("ows", "ProviderName", Ows, ows.ProviderName);
        if (!string.IsNullOrEmpty(ows.ProviderSite))
        {
            w.WriteStartElement("ows", "ProviderSite", Ows);
            w.WriteAttributeString("xlink", "href", Xml.XLink, ows.ProviderSite);
            w.WriteEndElement();
        }
        w.WriteStartElement("ows", "ServiceContact", Ows);
        if (!string.IsNullOrEmpty(ows.ContactPerson)) w.WriteElementString("ows", "IndividualName", Ows, ows.ContactPerson);
        if (!string.IsNullOrEmpty(ows.ContactEmail))
        {
            w.WriteStartElement("ows", "ContactInfo", Ows);
            w.WriteStartElement("ows", "Address", Ows);
            w.WriteElementString("ows", "ElectronicMailAddress", Ows, ows.ContactEmail);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();

        w.WriteStartElement("ows", "OperationsMetadata", Ows);
        foreach (var op in new[] { "GetCapabilities", "DescribeCoverage", "GetCoverage", "DescribeEOCoverageSet" })
        {
            w.WriteStartElement("ows", "Operation", Ows);
            w.WriteAttributeString("name", op);
            w.WriteStartElement("ows", "DCP", Ows);
            w.WriteStartElement("ows", "HTTP", Ows);
            w.WriteStartElement("ows", "Get", Ows);
            w.WriteAttributeString("xlink", "type", Xml.XLink, "simple");
            w.WriteAttributeString("xlink", "href", Xml.XLink, endpoint + "?");
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
            if (op == "DescribeEOCoverageSet")
            {
                w.WriteStartElement("ows", "Constraint", Ows);
                w.WriteAttributeString("name", "CountDefault");
                w.WriteElementString("ows", "NoValues", Ows, "");
                w.WriteElementString("ows", "DefaultValue", Ows, countDefault.ToString(CultureInfo.InvariantCulture));
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();

        w.WriteStartElement("wcs", "ServiceMetadata", Wcs);
        foreach (var f in Formats) w.WriteElementString("wcs", "formatSupported", Wcs, f);
        w.WriteStartElement("wcs", "Extension", Wcs);
        w.WriteStartElement("crs", "CrsMetadata", Crs);
        foreach (var code in crsSupported.Order()) w.WriteElementString("crs", "crsSupported", Crs, WcsCoverage.CrsUriOf(code));
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();

        w.WriteStartElement("wcs", "Contents", Wcs);
        foreach (var c in coverages)
        {
            w.WriteStartElement("wcs", "CoverageSummary", Wcs);
            Wgs84Box(w, c.Wgs84Box);
            w.WriteElementString("wcs", "CoverageId", Wcs, c.Id);
            w.WriteElementString("wcs", "CoverageSubtype", Wcs, "RectifiedDataset");
            w.WriteStartElement("wcs", "CoverageSubtypeParent", Wcs);
            w.WriteElementString("wcs", "CoverageSubtype", Wcs, "RectifiedGridCoverage");
            w.WriteEndElement();
            w.WriteEndElement();
        }
        if (series.Count > 0)
        {
            w.WriteStartElement("wcs", "Extension", Wcs);
            foreach (var s in series)
            {
                w.WriteStartElement("wcseo", "DatasetSeriesSummary", WcsEo);
                Wgs84Box(w, s.Wgs84Box);
                w.WriteElementString("wcseo", "DatasetSeriesId", WcsEo, s.Id);
                TimePeriod(w, $"{s.Id}_timePeriod", s.Begin, s.End);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();
    });

    public static byte[] CoverageDescriptions(IReadOnlyList<WcsCoverage> coverages) => Xml.Write(w =>
    {
        w.WriteStartElement("wcs", "CoverageDescriptions", Wcs);
        Namespaces(w);
        foreach (var c in coverages) CoverageDescription(w, c);
        w.WriteEndElement();
    });

    public static byte[] EOCoverageSetDescription(IReadOnlyList<WcsCoverage> coverages, IReadOnlyList<SeriesSummary>? series, long matched,
        bool withCoverages) => Xml.Write(w =>
    {
        w.WriteStartElement("wcseo", "EOCoverageSetDescription", WcsEo);
        Namespaces(w);
        w.WriteAttributeString("numberMatched", matched.ToString(CultureInfo.InvariantCulture));
        w.WriteAttributeString("numberReturned", (withCoverages ? coverages.Count : 0).ToString(CultureInfo.InvariantCulture));
        if (withCoverages)
        {
            w.WriteStartElement("wcs", "CoverageDescriptions", Wcs);
            foreach (var c in coverages) CoverageDescription(w, c);
            w.WriteEndElement();
        }
        if (series is not null)
        {
            w.WriteStartElement("wcseo", "DatasetSeriesDescriptions", WcsEo);
            foreach (var s in series)
            {
                w.WriteStartElement("wcseo", "DatasetSeriesDescription", WcsEo);
                w.WriteAttributeString("gml", "id", Gml, s.Id);
                w.WriteStartElement("gml", "boundedBy", Gml);
                Envelope(w, WcsCoverage.CrsUriOf(4326), ["Lat", "Long"], ["deg", "deg"], [s.Wgs84Box[1], s.Wgs84Box[0]], [s.Wgs84Box[3], s.Wgs84Box[2]]);
                w.WriteEndElement();
                w.WriteElementString("wcseo", "DatasetSeriesId", WcsEo, s.Id);
                TimePeriod(w, $"{s.Id}_timePeriod", s.Begin, s.End);
                w.WriteEndElement();
            }
            w.WriteEndElement();
        }
        w.WriteEndElement();
    });

    private static void Namespaces(XmlWriter w)
    {
        w.WriteAttributeString("xmlns", "wcs", null, Wcs);
        w.WriteAttributeString("xmlns", "ows", null, Ows);
        w.WriteAttributeString("xmlns", "gml", null, Gml);
        w.WriteAttributeString("xmlns", "gmlcov", null, GmlCov);
        w.WriteAttributeString("xmlns", "swe", null, Swe);
        w.WriteAttributeString("xmlns", "wcseo", null, WcsEo);
        w.WriteAttributeString("xmlns", "eop", null, Eop);
        w.WriteAttributeString("xmlns", "om", null, Om);
        w.WriteAttributeString("xmlns", "crs", null, Crs);
        w.WriteAttributeString("xmlns", "xlink", null, Xml.XLink);
        w.WriteAttributeString("xmlns", "xsi", null, Xml.Xsi);
        w.WriteAttributeString("xsi", "schemaLocation", Xml.Xsi, SchemaLocation);
    }

    private static void CoverageDescription(XmlWriter w, WcsCoverage c)
    {
        w.WriteStartElement("wcs", "CoverageDescription", Wcs);
        w.WriteAttributeString("gml", "id", Gml, c.Id);
        w.WriteStartElement("gml", "boundedBy", Gml);
        var (x0, y0, x1, y1) = c.Extent;
        var lo = c.InAxisOrder(x0, y0);
        var hi = c.InAxisOrder(x1, y1);
        Envelope(w, c.CrsUri, c.AxisLabels, c.UomLabels, [lo.A, lo.B], [hi.A, hi.B]);
        w.WriteEndElement();
        w.WriteElementString("wcs", "CoverageId", Wcs, c.Id);

        w.WriteStartElement("gmlcov", "metadata", GmlCov);
        w.WriteStartElement("gmlcov", "Extension", GmlCov);
        w.WriteStartElement("wcseo", "EOMetadata", WcsEo);
        EarthObservation(w, c.Id, c.Product);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();

        // domainSet: grid axis i = columns, j = rows; origin = centre of the first pixel; offsets in CRS axis order.
        var gt = c.Gt;
        w.WriteStartElement("gml", "domainSet", Gml);
        w.WriteStartElement("gml", "RectifiedGrid", Gml);
        w.WriteAttributeString("gml", "id", Gml, c.Id + "_grid");
        w.WriteAttributeString("dimension", "2");
        w.WriteStartElement("gml", "limits", Gml);
        w.WriteStartElement("gml", "GridEnvelope", Gml);
        w.WriteElementString("gml", "low", Gml, "0 0");
        w.WriteElementString("gml", "high", Gml, $"{c.Width - 1} {c.Height - 1}".ToString(CultureInfo.InvariantCulture));
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteElementString("gml", "axisLabels", Gml, "i j");
        w.WriteStartElement("gml", "origin", Gml);
        w.WriteStartElement("gml", "Point", Gml);
        w.WriteAttributeString("gml", "id", Gml, c.Id + "_origin");
        w.WriteAttributeString("srsName", c.CrsUri);
        var origin = c.InAxisOrder(gt[0] + 0.5 * gt[1] + 0.5 * gt[2], gt[3] + 0.5 * gt[4] + 0.5 * gt[5]);
        w.WriteElementString("gml", "pos", Gml, $"{Xml.D(origin.A)} {Xml.D(origin.B)}");
        w.WriteEndElement();
        w.WriteEndElement();
        foreach (var (dx, dy) in new[] { (gt[1], gt[4]), (gt[2], gt[5]) })
        {
            var v = c.InAxisOrder(dx, dy);
            w.WriteStartElement("gml", "offsetVector", Gml);
            w.WriteAttributeString("srsName", c.CrsUri);
            w.WriteString($"{Xml.D(v.A)} {Xml.D(v.B)}");
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();

        w.WriteStartElement("gmlcov", "rangeType", GmlCov);
        w.WriteStartElement("swe", "DataRecord", Swe);
        for (var i = 0; i < c.Record.Bands.Count; i++)
        {
            var band = c.Record.Bands[i];
            w.WriteStartElement("swe", "field", Swe);
            w.WriteAttributeString("name", c.FieldNames[i]);
            w.WriteStartElement("swe", "Quantity", Swe);
            w.WriteAttributeString("definition", $"http://www.opengis.net/def/dataType/OGC/0/{DataTypeName(band.DataType)}");
            w.WriteElementString("swe", "description", Swe, $"{band.Name} ({band.DataType})");
            if (band.NoData is double nd)
            {
                w.WriteStartElement("swe", "nilValues", Swe);
                w.WriteStartElement("swe", "NilValues", Swe);
                w.WriteStartElement("swe", "nilValue", Swe);
                w.WriteAttributeString("reason", "http://www.opengis.net/def/nil/OGC/0/unknown");
                w.WriteString(Xml.D(nd));
                w.WriteEndElement();
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteStartElement("swe", "uom", Swe);
            w.WriteAttributeString("code", "10^0");
            w.WriteEndElement();
            if (Range(band.DataType) is { } range)
            {
                w.WriteStartElement("swe", "constraint", Swe);
                w.WriteStartElement("swe", "AllowedValues", Swe);
                w.WriteElementString("swe", "interval", Swe, range);
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();

        w.WriteStartElement("wcs", "ServiceParameters", Wcs);
        // The GML coverage type of the description (GDAL's WCS driver reads the grid type from it); the EO subtype
        // (RectifiedDataset) is what the capabilities' CoverageSummary names.
        w.WriteElementString("wcs", "CoverageSubtype", Wcs, "RectifiedGridCoverage");
        w.WriteElementString("wcs", "nativeFormat", Wcs, "image/tiff");
        w.WriteEndElement();
        w.WriteEndElement();
    }

    /// <summary>A minimal EO-O&amp;M 2.0 <c>eop:EarthObservation</c>: time, footprint (lat/lon order) and identifier.</summary>
    private static void EarthObservation(XmlWriter w, string id, ProductRecord p)
    {
        w.WriteStartElement("eop", "EarthObservation", Eop);
        w.WriteAttributeString("gml", "id", Gml, id + "_eo");
        w.WriteStartElement("om", "phenomenonTime", Om);
        TimePeriod(w, id + "_phenomenonTime", p.BeginTime, p.EndTime);
        w.WriteEndElement();
        w.WriteStartElement("om", "resultTime", Om);
        w.WriteStartElement("gml", "TimeInstant", Gml);
        w.WriteAttributeString("gml", "id", Gml, id + "_resultTime");
        w.WriteElementString("gml", "timePosition", Gml, Iso(p.EndTime));
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteElementString("om", "procedure", Om, "");
        w.WriteElementString("om", "observedProperty", Om, "");
        w.WriteStartElement("om", "featureOfInterest", Om);
        w.WriteStartElement("eop", "Footprint", Eop);
        w.WriteAttributeString("gml", "id", Gml, id + "_footprint");
        w.WriteStartElement("eop", "multiExtentOf", Eop);
        w.WriteStartElement("gml", "MultiSurface", Gml);
        w.WriteAttributeString("gml", "id", Gml, id + "_multisurface");
        w.WriteAttributeString("srsName", "EPSG:4326");
        var rings = WcsCoverage.RingsOfWkt(p.FootprintWkt);
        for (var r = 0; r < rings.Count; r++)
        {
            var ring = rings[r];
            w.WriteStartElement("gml", "surfaceMember", Gml);
            w.WriteStartElement("gml", "Polygon", Gml);
            w.WriteAttributeString("gml", "id", Gml, $"{id}_polygon{r}");
            w.WriteStartElement("gml", "exterior", Gml);
            w.WriteStartElement("gml", "LinearRing", Gml);
            var pos = new List<string>(ring.Length);
            for (var i = 0; i + 1 < ring.Length; i += 2) pos.Add($"{Xml.D(ring[i + 1])} {Xml.D(ring[i])}");
            w.WriteElementString("gml", "posList", Gml, string.Join(' ', pos));
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteElementString("om", "result", Om, "");
        w.WriteStartElement("eop", "metaDataProperty", Eop);
        w.WriteStartElement("eop", "EarthObservationMetaData", Eop);
        w.WriteElementString("eop", "identifier", Eop, p.Identifier);
        w.WriteElementString("eop", "acquisitionType", Eop, string.IsNullOrEmpty(p.AcquisitionType) ? "NOMINAL" : p.AcquisitionType);
        w.WriteElementString("eop", "status", Eop, string.IsNullOrEmpty(p.Status) ? "ARCHIVED" : p.Status);
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Envelope(XmlWriter w, string srs, string[] labels, string[] uoms, double[] lower, double[] upper)
    {
        w.WriteStartElement("gml", "Envelope", Gml);
        w.WriteAttributeString("srsName", srs);
        w.WriteAttributeString("axisLabels", string.Join(' ', labels));
        w.WriteAttributeString("uomLabels", string.Join(' ', uoms));
        w.WriteAttributeString("srsDimension", "2");
        w.WriteElementString("gml", "lowerCorner", Gml, string.Join(' ', lower.Select(Xml.D)));
        w.WriteElementString("gml", "upperCorner", Gml, string.Join(' ', upper.Select(Xml.D)));
        w.WriteEndElement();
    }

    private static void Wgs84Box(XmlWriter w, double[] box)
    {
        w.WriteStartElement("ows", "WGS84BoundingBox", Ows);
        w.WriteElementString("ows", "LowerCorner", Ows, $"{Xml.D(box[0])} {Xml.D(box[1])}");
        w.WriteElementString("ows", "UpperCorner", Ows, $"{Xml.D(box[2])} {Xml.D(box[3])}");
        w.WriteEndElement();
    }

    private static void TimePeriod(XmlWriter w, string id, DateTimeOffset begin, DateTimeOffset end)
    {
        w.WriteStartElement("gml", "TimePeriod", Gml);
        w.WriteAttributeString("gml", "id", Gml, id);
        w.WriteElementString("gml", "beginPosition", Gml, Iso(begin));
        w.WriteElementString("gml", "endPosition", Gml, Iso(end));
        w.WriteEndElement();
    }

    public static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static string DataTypeName(string gdalType) => gdalType switch
    {
        "Byte" => "unsignedByte",
        "Int8" => "signedByte",
        "UInt16" => "unsignedShort",
        "Int16" => "signedShort",
        "UInt32" => "unsignedInt",
        "Int32" => "signedInt",
        "UInt64" => "unsignedLong",
        "Int64" => "signedLong",
        "Float32" => "float32",
        "Float64" => "float64",
        _ => gdalType,
    };

    private static string? Range(string gdalType) => gdalType switch
    {
        "Byte" => "0 255",
        "Int8" => "-128 127",
        "UInt16" => "0 65535",
        "Int16" => "-32768 32767",
        "UInt32" => "0 4294967295",
        "Int32" => "-2147483648 2147483647",
        _ => null,
    };
}
