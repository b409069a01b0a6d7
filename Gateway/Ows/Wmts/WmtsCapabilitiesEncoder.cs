using System.Xml;
using Prism.Gateway.Ows.Common;
using Prism.Maps;

namespace Prism.Gateway.Ows.Wmts;

/// <summary>Encodes the WMTS 1.0.0 ServiceMetadata (GetCapabilities) document.</summary>
public static class WmtsCapabilitiesEncoder
{
    public const string Wmts = "http://www.opengis.net/wmts/1.0";
    public const string Ows = OwsExceptionReport.Ows11;
    public const string ContentType = "application/xml";
    private const double MaxMercatorLat = 85.0511287798066;

    /// <param name="baseUrl">Service root, e.g. <c>http://host:port</c> (no trailing slash).</param>
    /// <param name="kvpPath">The KVP endpoint path the document advertises (<c>/wmts</c> or <c>/ows</c>).</param>
    public static byte[] Encode(IReadOnlyList<LayerDescription> layers, OwsOptions options, string baseUrl, string kvpPath = "/wmts")
    {
        var kvpUrl = baseUrl + kvpPath + "?";
        var restRoot = baseUrl + "/wmts/1.0.0/";
        return Xml.Write(w =>
        {
            w.WriteStartElement("Capabilities", Wmts);
            w.WriteAttributeString("xmlns", "ows", null, Ows);
            w.WriteAttributeString("xmlns", "xlink", null, Xml.XLink);
            w.WriteAttributeString("xmlns", "xsi", null, Xml.Xsi);
            w.WriteAttributeString("xsi", "schemaLocation", Xml.Xsi, $"{Wmts} http://schemas.opengis.net/wmts/1.0/wmtsGetCapabilities_response.xsd");
            w.WriteAttributeString("version", "1.0.0");

            ServiceIdentification(w, options);
            ServiceProvider(w, options);

            w.WriteStartElement("ows", "OperationsMetadata", Ows);
            Operation(w, "GetCapabilities", kvpUrl, restRoot + "WMTSCapabilities.xml");
            Operation(w, "GetTile", kvpUrl, restRoot);
            w.WriteEndElement();

            w.WriteStartElement("Contents", Wmts);
            foreach (var layer in layers) Layer(w, layer, options, restRoot);
            foreach (var tms in TileMatrixSet.All) TileMatrixSetElement(w, tms);
            w.WriteEndElement();

            w.WriteStartElement("ServiceMetadataURL", Wmts);
            w.WriteAttributeString("xlink", "href", Xml.XLink, restRoot + "WMTSCapabilities.xml");
            w.WriteEndElement();
            w.WriteEndElement();
        });
    }

    private static void ServiceIdentification(XmlWriter w, OwsOptions o)
    {
        w.WriteStartElement("ows", "ServiceIdentification", Ows);
        w.WriteElementString("ows", "Title", Ows, o.Title);
        w.WriteElementString("ows", "Abstract", Ows, o.Abstract);
        if (o.Keywords.Length > 0)
        {
            w.WriteStartElement("ows", "Keywords", Ows);
            foreach (var k in o.Keywords) w.WriteElementString("ows", "Keyword", Ows, k);
            w.WriteEndElement();
        }
        w.WriteElementString("ows", "ServiceType", Ows, "OGC WMTS");
        w.WriteElementString("ows", "ServiceTypeVersion", Ows, "1.0.0");
        w.WriteElementString("ows", "Fees", Ows, o.Fees);
        w.WriteElementString("ows", "AccessConstraints", Ows, o.AccessConstraints);
        w.WriteEndElement();
    }

    private static void ServiceProvider(XmlWriter w, OwsOptions o)
    {
        w.WriteStartElement("ows", "ServiceProvider", Ows);
        w.WriteElementString("ows", "ProviderName", Ows, o.ProviderName);
        if (!string.IsNullOrEmpty(o.ProviderSite))
        {
            w.WriteStartElement("ows", "ProviderSite", Ows);
            w.WriteAttributeString("xlink", "href", Xml.XLink, o.ProviderSite);
            w.WriteEndElement();
        }
        w.WriteStartElement("ows", "ServiceContact", Ows);
        w.WriteElementString("ows", "IndividualName", Ows, o.ContactPerson ?? o.ProviderName);
        if (!string.IsNullOrEmpty(o.ContactEmail))
        {
            w.WriteStartElement("ows", "ContactInfo", Ows);
            w.WriteStartElement("ows", "Address", Ows);
            w.WriteElementString("ows", "ElectronicMailAddress", Ows, o.ContactEmail);
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Operation(XmlWriter w, string name, string kvpUrl, string restUrl)
    {
        w.WriteStartElement("ows", "Operation", Ows);
        w.WriteAttributeString("name", name);
        w.WriteStartElement("ows", "DCP", Ows);
        w.WriteStartElement("ows", "HTTP", Ows);
        foreach (var (url, encoding) in new[] { (kvpUrl, "KVP"), (restUrl, "RESTful") })
        {
            w.WriteStartElement("ows", "Get", Ows);
            w.WriteAttributeString("xlink", "href", Xml.XLink, url);
            w.WriteStartElement("ows", "Constraint", Ows);
            w.WriteAttributeString("name", "GetEncoding");
            w.WriteStartElement("ows", "AllowedValues", Ows);
            w.WriteElementString("ows", "Value", Ows, encoding);
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }
        w.WriteEndElement();
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static void Layer(XmlWriter w, LayerDescription layer, OwsOptions options, string restRoot)
    {
        w.WriteStartElement("Layer", Wmts);
        w.WriteElementString("ows", "Title", Ows, layer.Title);
        var b = layer.Wgs84BoundingBox;
        w.WriteStartElement("ows", "WGS84BoundingBox", Ows);
        w.WriteAttributeString("crs", "urn:ogc:def:crs:OGC:2:84");
        w.WriteElementString("ows", "LowerCorner", Ows, $"{Xml.D(b[0])} {Xml.D(b[1])}");
        w.WriteElementString("ows", "UpperCorner", Ows, $"{Xml.D(b[2])} {Xml.D(b[3])}");
        w.WriteEndElement();
        w.WriteElementString("ows", "Identifier", Ows, layer.Name);
        // The extent in EPSG:3857 too, clamped to the GoogleMapsCompatible square: clients such as GDAL's WMTS driver
        // would otherwise project latitudes up to ±90° to infinite y and ask for rows outside the matrix.
        var (minX, minY) = Mercator(b[0], b[1]);
        var (maxX, maxY) = Mercator(b[2], b[3]);
        w.WriteStartElement("ows", "BoundingBox", Ows);
        w.WriteAttributeString("crs", TileMatrixSet.GoogleMapsCompatible.CrsUrn);
        w.WriteElementString("ows", "LowerCorner", Ows, $"{Xml.D(minX)} {Xml.D(minY)}");
        w.WriteElementString("ows", "UpperCorner", Ows, $"{Xml.D(maxX)} {Xml.D(maxY)}");
        w.WriteEndElement();
        var styles = layer.Styles.Count > 0 ? layer.Styles.Select(s => (s.Name, s.Title ?? s.Name)).ToList() : [("default", "default")];
        for (var i = 0; i < styles.Count; i++)
        {
            w.WriteStartElement("Style", Wmts);
            if (i == 0) w.WriteAttributeString("isDefault", "true");
            w.WriteElementString("ows", "Title", Ows, styles[i].Item2);
            w.WriteElementString("ows", "Identifier", Ows, styles[i].Name);
            w.WriteEndElement();
        }
        w.WriteElementString("Format", Wmts, "image/png");
        w.WriteElementString("Format", Wmts, "image/jpeg");
        var hasTime = layer.TimeValues.Count > 0;
        if (hasTime)
        {
            w.WriteStartElement("Dimension", Wmts);
            w.WriteElementString("ows", "Identifier", Ows, "time");
            w.WriteElementString("ows", "UOM", Ows, "ISO8601");
            w.WriteElementString("Default", Wmts, layer.DefaultTime ?? layer.TimeValues[^1]);
            foreach (var v in layer.TimeValues) w.WriteElementString("Value", Wmts, v);
            w.WriteEndElement();
        }
        foreach (var tms in TileMatrixSet.All)
        {
            w.WriteStartElement("TileMatrixSetLink", Wmts);
            w.WriteElementString("TileMatrixSet", Wmts, tms.Identifier);
            if (options.TileMatrixSetLimits) Limits(w, tms, b);
            w.WriteEndElement();
        }
        var layerSegment = Uri.EscapeDataString(layer.Name);
        var timeSegment = hasTime ? "{time}/" : "";
        foreach (var f in new[] { ImageFormat.Png, ImageFormat.Jpeg })
        {
            w.WriteStartElement("ResourceURL", Wmts);
            w.WriteAttributeString("format", f.ContentType());
            w.WriteAttributeString("resourceType", "tile");
            w.WriteAttributeString("template",
                $"{restRoot}{layerSegment}/{{Style}}/{timeSegment}{{TileMatrixSet}}/{{TileMatrix}}/{{TileRow}}/{{TileCol}}.{f.Extension()}");
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    /// <summary>Rows and columns covering the layer's bounding box at every level (rows from the top).</summary>
    private static void Limits(XmlWriter w, TileMatrixSet tms, double[] b)
    {
        double minX = b[0], minY = b[1], maxX = b[2], maxY = b[3];
        if (maxX < minX) (minX, maxX) = (-180, 180); // crosses the antimeridian: every column
        if (!tms.IsGeographic)
        {
            (minX, minY) = ToMercator(minX, minY);
            (maxX, maxY) = ToMercator(maxX, maxY);
        }
        w.WriteStartElement("TileMatrixSetLimits", Wmts);
        for (var z = 0; z <= tms.MaxZoom; z++)
        {
            var (minCol, minRow, maxCol, maxRow) = tms.TileRange(z, minX, minY, maxX, maxY);
            w.WriteStartElement("TileMatrixLimits", Wmts);
            w.WriteElementString("TileMatrix", Wmts, z.ToString(System.Globalization.CultureInfo.InvariantCulture));
            w.WriteElementString("MinTileRow", Wmts, I(minRow));
            w.WriteElementString("MaxTileRow", Wmts, I(Math.Max(minRow, maxRow)));
            w.WriteElementString("MinTileCol", Wmts, I(minCol));
            w.WriteElementString("MaxTileCol", Wmts, I(Math.Max(minCol, maxCol)));
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }

    private static (double X, double Y) Mercator(double lon, double lat)
    {
        const double radius = 6378137.0, maxLat = 85.0511287798066;
        var limit = TileMatrixSet.GoogleMapsCompatible.MaxX;
        var phi = Math.Clamp(lat, -maxLat, maxLat) * Math.PI / 180;
        return (Math.Clamp(radius * lon * Math.PI / 180, -limit, limit),
                Math.Clamp(radius * Math.Log(Math.Tan(Math.PI / 4 + phi / 2)), -limit, limit));
    }

    private static string I(int v) => v.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Spherical Mercator (EPSG:3857) of a lon/lat, latitude clamped to the square world.</summary>
    public static (double X, double Y) ToMercator(double lon, double lat)
    {
        const double r = 6378137.0;
        lat = Math.Clamp(lat, -MaxMercatorLat, MaxMercatorLat);
        lon = Math.Clamp(lon, -180, 180);
        return (r * lon * Math.PI / 180, r * Math.Log(Math.Tan(Math.PI / 4 + lat * Math.PI / 360)));
    }

    private static void TileMatrixSetElement(XmlWriter w, TileMatrixSet tms)
    {
        w.WriteStartElement("TileMatrixSet", Wmts);
        w.WriteElementString("ows", "Identifier", Ows, tms.Identifier);
        w.WriteElementString("ows", "SupportedCRS", Ows, tms.CrsUrn);
        if (tms.WellKnownScaleSet is not null) w.WriteElementString("WellKnownScaleSet", Wmts, tms.WellKnownScaleSet);
        // EPSG:4326 has latitude first: the top-left corner is written "90 -180".
        var topLeft = tms.IsGeographic ? $"{Xml.D(tms.MaxY)} {Xml.D(tms.MinX)}" : $"{Xml.D(tms.MinX)} {Xml.D(tms.MaxY)}";
        for (var z = 0; z <= tms.MaxZoom; z++)
        {
            w.WriteStartElement("TileMatrix", Wmts);
            w.WriteElementString("ows", "Identifier", Ows, I(z));
            w.WriteElementString("ScaleDenominator", Wmts, Xml.D(tms.ScaleDenominator(z)));
            w.WriteElementString("TopLeftCorner", Wmts, topLeft);
            w.WriteElementString("TileWidth", Wmts, I(tms.TileSize));
            w.WriteElementString("TileHeight", Wmts, I(tms.TileSize));
            w.WriteElementString("MatrixWidth", Wmts, I(tms.MatrixWidth(z)));
            w.WriteElementString("MatrixHeight", Wmts, I(tms.MatrixHeight(z)));
            w.WriteEndElement();
        }
        w.WriteEndElement();
    }
}
