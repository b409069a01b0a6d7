using Prism.Gateway.Ows.Common;

namespace Prism.Gateway.Ows.Wms;

/// <summary>WMS ServiceExceptionReport: 1.3.0 (namespace http://www.opengis.net/ogc, text/xml) and 1.1.1
/// (no namespace, application/vnd.ogc.se_xml).</summary>
public static class WmsExceptionEncoder
{
    public const string Ogc = "http://www.opengis.net/ogc";

    public static string ContentType(WmsVersion version) => version == WmsVersion.V130 ? "text/xml" : "application/vnd.ogc.se_xml";

    public static byte[] Encode(OwsException e, WmsVersion version)
    {
        var v130 = version == WmsVersion.V130;
        return Xml.Write(w =>
        {
            if (v130)
            {
                w.WriteStartElement("ServiceExceptionReport", Ogc);
                w.WriteAttributeString("xmlns", "xsi", null, Xml.Xsi);
                w.WriteAttributeString("xsi", "schemaLocation", Xml.Xsi, $"{Ogc} http://schemas.opengis.net/wms/1.3.0/exceptions_1_3_0.xsd");
                w.WriteAttributeString("version", "1.3.0");
            }
            else
            {
                w.WriteDocType("ServiceExceptionReport", null, "http://schemas.opengis.net/wms/1.1.1/exception_1_1_1.dtd", null);
                w.WriteStartElement("ServiceExceptionReport");
                w.WriteAttributeString("version", "1.1.1");
            }
            w.WriteStartElement("ServiceException", v130 ? Ogc : "");
            // NoApplicableCode is not a WMS code: such errors carry no code attribute.
            if (e.Code != OwsExceptionCode.NoApplicableCode) w.WriteAttributeString("code", e.Code);
            if (!string.IsNullOrEmpty(e.Locator)) w.WriteAttributeString("locator", e.Locator);
            w.WriteString(e.Message);
            w.WriteEndElement();
            w.WriteEndElement();
        });
    }
}
