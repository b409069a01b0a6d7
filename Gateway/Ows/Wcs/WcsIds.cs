using System.Xml;

namespace Prism.Gateway.Ows.Wcs;

/// <summary>
/// Catalog identifiers ↔ WCS identifiers. <c>wcs:CoverageId</c>, <c>wcseo:DatasetSeriesId</c>, <c>wcseo:eoId</c> and
/// <c>swe:field/@name</c> are XML NCNames; catalog identifiers need not be. The mapping is
/// <see cref="XmlConvert.EncodeLocalName"/> (ISO/IEC 9075 escaping): an identifier that already is an NCName is used
/// unchanged (e.g. <c>MER_FRS_1PNPDE20060816_090929_000001972050_00222_23322_0058</c>); every character an NCName
/// cannot hold becomes <c>_xHHHH_</c> (its UTF-16 code in hex), e.g. <c>2020-01-01</c> → <c>_x0032_020-01-01</c>,
/// <c>a:b</c> → <c>a_x003A_b</c>, <c>a b</c> → <c>a_x0020_b</c>; a literal <c>_x</c> followed by four hex digits and
/// <c>_</c> is escaped too, so the mapping is reversible (<see cref="Decode"/>).
/// </summary>
public static class WcsIds
{
    public static string Encode(string identifier) => XmlConvert.EncodeLocalName(identifier) ?? "_";

    public static string Decode(string ncName) => XmlConvert.DecodeName(ncName) ?? ncName;
}
