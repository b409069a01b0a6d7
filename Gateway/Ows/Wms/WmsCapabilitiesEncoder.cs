using System.Xml;
using Prism.Gateway.Ows.Common;
using Prism.Gateway.Ows.Wmts;
using Prism.Maps;

namespace Prism.Gateway.Ows.Wms;

/// <summary>
/// Encodes WMS capabilities (1.3.0 <c>WMS_Capabilities</c>, 1.1.1 <c>WMT_MS_Capabilities</c>) with the EO layer tree:
/// an unnamed root layer; per collection the collection's default layer (named as the collection) holding the
/// collection's other layers (styles, outlines). CRS are declared on the root and inherited.
/// </summary>
public static class WmsCapabilitiesEncoder
{
    public const string Wms = "http://www.opengis.net/wms";
    public const string ContentType130 = "text/xml";
    public const string ContentType111 = "application/vnd.ogc.wms_xml";

    public static byte[] Encode(IReadOnlyList<LayerDescription> layers, OwsOptions options, string onlineResource, WmsVersion version)
    {
        var v130 = version == WmsVersion.V130;
        var ns = v130 ? Wms : "";
        return Xml.Write(w =>
        {
            if (v130)
            {
                w.WriteStartElement("WMS_Capabilities", Wms);
                w.WriteAttributeString("xmlns", "xlink", null, Xml.XLink);
                w.WriteAttributeString("xmlns", "xsi", null, Xml.Xsi);
                w.WriteAttributeString("xsi", "schemaLocation", Xml.Xsi, $"{Wms} http://schemas.opengis.net/wms/1.3.0/capabilities_1_3_0.xsd");
                w.WriteAttributeString("version", "1.3.0");
            }
            else
            {
                w.WriteDocType("WMT_MS_Capabilities", null, "http://schemas.opengis.net/wms/1.1.1/WMS_MS_Capabilities.dtd", null);
                w.WriteStartElement("WMT_MS_Capabilities");
                w.WriteAttributeString("version", "1.1.1");
            }
            var e = new Writer(w, ns, v130);

            w.WriteStartElement("Service", ns);
            e.Text("Name", v130 ? "WMS" : "OGC:WMS");
            e.Text("Title", options.Title);
            e.Text("Abstract", options.Abstract);
            if (options.Keywords.Length > 0)
            {
                w.WriteStartElement("KeywordList", ns);
                foreach (var k in options.Keywords) e.Text("Keyword", k);
                w.WriteEndElement();
            }
            e.OnlineResource(options.ProviderSite ?? onlineResource);
            w.WriteStartElement("ContactInformation", ns);
            w.WriteStartElement("ContactPersonPrimary", ns);
            e.Text("ContactPerson", options.ContactPerson ?? "");
            e.Text("ContactOrganization", options.ProviderName);
            w.WriteEndElement();
            if (!string.IsNullOrEmpty(options.ContactEmail)) e.Text("ContactElectronicMailAddress", options.ContactEmail);
            w.WriteEndElement();
            e.Text("Fees", options.Fees);
            e.Text("AccessConstraints", options.AccessConstraints);
            if (v130)
            {
                e.Text("MaxWidth", options.MaxWidth.ToString(System.Globalization.CultureInfo.InvariantCulture));
                e.Text("MaxHeight", options.MaxHeight.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            w.WriteEndElement();

            w.WriteStartElement("Capability", ns);
            w.WriteStartElement("Request", ns);
            e.Operation("GetCapabilities", [v130 ? "text/xml" : ContentType111], onlineResource);
            e.Operation("GetMap", ["image/png", "image/jpeg"], onlineResource);
            w.WriteEndElement();
            w.WriteStartElement("Exception", ns);
            foreach (var f in v130 ? new[] { "XML", "INIMAGE", "BLANK" }
                                   : ["application/vnd.ogc.se_xml", "application/vnd.ogc.se_inimage", "application/vnd.ogc.se_blank"])
                e.Text("Format", f);
            w.WriteEndElement();

            // root layer
            w.WriteStartElement("Layer", ns);
            e.Text("Title", options.Title);
            e.Text("Abstract", options.Abstract);
            foreach (var crs in new[] { "EPSG:4326", "EPSG:3857", "CRS:84" })
                if (v130 || crs != "CRS:84") e.Text(v130 ? "CRS" : "SRS", crs);
            var all = layers.Count > 0 ? Union(layers.Select(l => l.Wgs84BoundingBox)) : [-180, -90, 180, 90];
            e.Extent(all);
            foreach (var group in layers.GroupBy(l => l.Collection))
            {
                var main = group.FirstOrDefault(l => l.Name == group.Key && !l.IsOutlines);
                if (main is not null)
                {
                    e.NamedLayerStart(main);
                    foreach (var child in group.Where(l => !ReferenceEquals(l, main)))
                    {
                        e.NamedLayerStart(child);
                        w.WriteEndElement();
                    }
                    w.WriteEndElement();
                }
                else
                {
                    w.WriteStartElement("Layer", ns);
                    e.Text("Title", group.Key);
                    e.Extent(Union(group.Select(l => l.Wgs84BoundingBox)));
                    foreach (var child in group)
                    {
                        e.NamedLayerStart(child);
                        w.WriteEndElement();
                    }
                    w.WriteEndElement();
                }
            }
            w.WriteEndElement(); // root Layer
            w.WriteEndElement(); // Capability
            w.WriteEndElement();
        });
    }

    private static double[] Union(IEnumerable<double[]> boxes)
    {
        double w = 180, s = 90, e = -180, n = -90;
        foreach (var b in boxes)
        {
            if (b[2] < b[0]) { w = -180; e = 180; } // crosses the antimeridian
            else { w = Math.Min(w, b[0]); e = Math.Max(e, b[2]); }
            s = Math.Min(s, b[1]); n = Math.Max(n, b[3]);
        }
        return w > e ? [-180, -90, 180, 90] : [w, s, e, n];
    }

    private readonly struct Writer(XmlWriter w, string ns, bool v130)
    {
        public void Text(string name, string value) => w.WriteElementString(name, ns, value);

        public void OnlineResource(string href)
        {
            w.WriteStartElement("OnlineResource", ns);
            if (!v130) w.WriteAttributeString("xmlns", "xlink", null, Xml.XLink);
            w.WriteAttributeString("xlink", "type", Xml.XLink, "simple");
            w.WriteAttributeString("xlink", "href", Xml.XLink, href);
            w.WriteEndElement();
        }

        public void Operation(string name, string[] formats, string url)
        {
            w.WriteStartElement(name, ns);
            foreach (var f in formats) Text("Format", f);
            w.WriteStartElement("DCPType", ns);
            w.WriteStartElement("HTTP", ns);
            w.WriteStartElement("Get", ns);
            OnlineResource(url);
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndElement();
        }

        /// <summary>Geographic extent and the bounding boxes per CRS (EPSG:4326 latitude first in 1.3.0).</summary>
        public void Extent(double[] b)
        {
            double west = b[0], south = b[1], east = b[2], north = b[3];
            if (east < west) (west, east) = (-180, 180);
            if (v130)
            {
                w.WriteStartElement("EX_GeographicBoundingBox", ns);
                Text("westBoundLongitude", Xml.D(west));
                Text("eastBoundLongitude", Xml.D(east));
                Text("southBoundLatitude", Xml.D(south));
                Text("northBoundLatitude", Xml.D(north));
                w.WriteEndElement();
                Box("CRS", "CRS:84", west, south, east, north);
                Box("CRS", "EPSG:4326", south, west, north, east);
            }
            else
            {
                w.WriteStartElement("LatLonBoundingBox", ns);
                Attr("minx", west); Attr("miny", south); Attr("maxx", east); Attr("maxy", north);
                w.WriteEndElement();
                Box("SRS", "EPSG:4326", west, south, east, north);
            }
            var (x0, y0) = WmtsCapabilitiesEncoder.ToMercator(west, south);
            var (x1, y1) = WmtsCapabilitiesEncoder.ToMercator(east, north);
            Box(v130 ? "CRS" : "SRS", "EPSG:3857", x0, y0, x1, y1);
        }

        private void Box(string attr, string crs, double minx, double miny, double maxx, double maxy)
        {
            w.WriteStartElement("BoundingBox", ns);
            w.WriteAttributeString(attr, crs);
            Attr("minx", minx); Attr("miny", miny); Attr("maxx", maxx); Attr("maxy", maxy);
            w.WriteEndElement();
        }

        private void Attr(string name, double v) => w.WriteAttributeString(name, Xml.D(v));

        /// <summary>Writes a named layer up to (not including) its child layers; the caller ends the element.</summary>
        public void NamedLayerStart(LayerDescription layer)
        {
            w.WriteStartElement("Layer", ns);
            if (v130) w.WriteAttributeString("queryable", "0");
            Text("Name", layer.Name);
            Text("Title", layer.Title);
            Extent(layer.Wgs84BoundingBox);
            if (layer.TimeValues.Count > 0)
            {
                var dflt = layer.DefaultTime ?? layer.TimeValues[^1];
                var values = string.Join(",", layer.TimeValues);
                w.WriteStartElement("Dimension", ns);
                w.WriteAttributeString("name", "time");
                w.WriteAttributeString("units", "ISO8601");
                if (v130)
                {
                    w.WriteAttributeString("default", dflt);
                    w.WriteAttributeString("multipleValues", "0");
                    w.WriteAttributeString("nearestValue", "0");
                    w.WriteString(values);
                }
                w.WriteEndElement();
                if (!v130)
                {
                    w.WriteStartElement("Extent", ns);
                    w.WriteAttributeString("name", "time");
                    w.WriteAttributeString("default", dflt);
                    w.WriteAttributeString("nearestValue", "0");
                    w.WriteString(values);
                    w.WriteEndElement();
                }
            }
            var styles = layer.Styles.Count > 0 ? layer.Styles.Select(s => (s.Name, s.Title ?? s.Name)) : [("default", "default")];
            foreach (var (name, title) in styles)
            {
                w.WriteStartElement("Style", ns);
                Text("Name", name);
                Text("Title", title);
                w.WriteEndElement();
            }
        }
    }
}
