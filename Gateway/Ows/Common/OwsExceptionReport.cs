using System.Text;
using System.Xml;

namespace Prism.Gateway.Ows.Common;

/// <summary>Encodes OWS Common exception reports: 1.1.0 (WMTS 1.0.0) and 2.0 (WCS 2.0).</summary>
public static class OwsExceptionReport
{
    public const string Ows11 = "http://www.opengis.net/ows/1.1";
    public const string Ows20 = "http://www.opengis.net/ows/2.0";
    public const string ContentType = "application/xml";

    public static byte[] Encode(OwsException e, bool ows20 = false)
    {
        var ns = ows20 ? Ows20 : Ows11;
        return Xml.Write(w =>
        {
            w.WriteStartElement("ows", "ExceptionReport", ns);
            w.WriteAttributeString("xmlns", "xsi", null, Xml.Xsi);
            w.WriteAttributeString("xsi", "schemaLocation", Xml.Xsi,
                ows20 ? $"{Ows20} http://schemas.opengis.net/ows/2.0/owsExceptionReport.xsd"
                      : $"{Ows11} http://schemas.opengis.net/ows/1.1.0/owsExceptionReport.xsd");
            w.WriteAttributeString("version", ows20 ? "2.0.0" : "1.1.0");
            w.WriteAttributeString("xml", "lang", null, "en");
            w.WriteStartElement("ows", "Exception", ns);
            w.WriteAttributeString("exceptionCode", e.Code);
            if (!string.IsNullOrEmpty(e.Locator)) w.WriteAttributeString("locator", e.Locator);
            w.WriteElementString("ows", "ExceptionText", ns, e.Message);
            w.WriteEndElement();
            w.WriteEndElement();
        });
    }
}

/// <summary>XML writing with the settings every document here uses (UTF-8 without BOM, indented).</summary>
public static class Xml
{
    public const string Xsi = "http://www.w3.org/2001/XMLSchema-instance";
    public const string XLink = "http://www.w3.org/1999/xlink";

    private static readonly XmlWriterSettings Settings = new()
    {
        Encoding = new UTF8Encoding(false), Indent = true, IndentChars = "  ", NewLineChars = "\n",
    };

    public static byte[] Write(Action<XmlWriter> body)
    {
        using var ms = new MemoryStream();
        using (var w = XmlWriter.Create(ms, Settings))
        {
            w.WriteStartDocument();
            body(w);
            w.WriteEndDocument();
        }
        return ms.ToArray();
    }

    /// <summary>Invariant round-trip formatting of a coordinate or scale.</summary>
    public static string D(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
