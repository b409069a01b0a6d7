using Prism.Gateway.Ows;
using Prism.Gateway.Ows.Wms;
using Prism.Gateway.Ows.Wmts;
using Prism.Maps;

namespace Prism.Ows.Tests;

public class DecoderTests
{
    private const string Tile = "SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=MERIS&STYLE=default&FORMAT=image/png&TILEMATRIXSET=WGS84&TILEMATRIX=3&TILEROW=2&TILECOL=5";

    private static OwsException Throws(Action a) => Assert.Throws<OwsException>(a);

    [Fact]
    public void Wmts_kvp_keys_are_case_insensitive_and_time_is_kept()
    {
        var q = WmtsGetTileDecoder.DecodeKvp(Kvp.Parse("service=wmts&request=gettile&layer=MERIS&style=TRUE_COLOR&format=image/jpeg" +
            "&tilematrixset=GoogleMapsCompatible&TileMatrix=4&tileRow=7&tilecol=9&time=2020-01-01T00:00:00Z/2020-01-02T00:00:00Z"));
        Assert.Equal(("MERIS", "TRUE_COLOR", "GoogleMapsCompatible", 4, 7, 9, ImageFormat.Jpeg), (q.Layer, q.Style, q.TileMatrixSet, q.Zoom, q.Row, q.Col, q.Format));
        Assert.Equal("2020-01-01T00:00:00Z/2020-01-02T00:00:00Z", q.Time);
    }

    [Fact]
    public void Wmts_kvp_defaults_style_and_format()
    {
        var q = WmtsGetTileDecoder.DecodeKvp(Kvp.Parse("LAYER=MERIS&TILEMATRIXSET=wgs84&TILEMATRIX=0&TILEROW=0&TILECOL=1"));
        Assert.Null(q.Style);
        Assert.Equal(ImageFormat.Png, q.Format);
        Assert.Equal("WGS84", q.TileMatrixSet);
        Assert.Null(q.Time);
    }

    [Theory]
    [InlineData("LAYER", null, "MissingParameterValue", "Layer")]
    [InlineData("TILEMATRIXSET", null, "MissingParameterValue", "TileMatrixSet")]
    [InlineData("TILEMATRIX", null, "MissingParameterValue", "TileMatrix")]
    [InlineData("TILEROW", null, "MissingParameterValue", "TileRow")]
    [InlineData("TILECOL", null, "MissingParameterValue", "TileCol")]
    [InlineData("TILEMATRIXSET", "nope", "InvalidParameterValue", "TileMatrixSet")]
    [InlineData("TILEMATRIX", "19", "InvalidParameterValue", "TileMatrix")]
    [InlineData("TILEMATRIX", "x", "InvalidParameterValue", "TileMatrix")]
    [InlineData("TILEROW", "abc", "InvalidParameterValue", "TileRow")]
    [InlineData("TILEROW", "NaN", "InvalidParameterValue", "TileRow")]
    [InlineData("TILEROW", "-1", "TileOutOfRange", "TileRow")]
    [InlineData("TILEROW", "8", "TileOutOfRange", "TileRow")]
    [InlineData("TILEROW", "99999999999999", "TileOutOfRange", "TileRow")]
    [InlineData("TILECOL", "16", "TileOutOfRange", "TileCol")]
    [InlineData("FORMAT", "image/gif", "InvalidParameterValue", "Format")]
    [InlineData("TIME", "yesterday", "InvalidDimensionValue", "time")]
    [InlineData("TIME", "2020-02-01/2020-01-01", "InvalidDimensionValue", "time")]
    [InlineData("TIME", "2020-13-01", "InvalidDimensionValue", "time")]
    [InlineData("VERSION", "2.0.0", "InvalidParameterValue", "Version")]
    public void Wmts_kvp_errors(string key, string? value, string code, string locator)
    {
        var parts = Tile.Split('&').Where(p => !p.StartsWith(key + "=", StringComparison.Ordinal)).ToList();
        if (value is not null) parts.Add($"{key}={Uri.EscapeDataString(value)}");
        var e = Throws(() => WmtsGetTileDecoder.DecodeKvp(Kvp.Parse(string.Join('&', parts))));
        Assert.Equal((code, locator, 400), (e.Code, e.Locator, e.Status));
    }

    [Theory]
    [InlineData("MERIS/default/2020-01-01T00:00:00Z--2020-01-02T00:00:00Z/WGS84/3/2/5.png", "2020-01-01T00:00:00Z/2020-01-02T00:00:00Z")]
    [InlineData("MERIS/default/2020-01-01T00:00:00Z/2020-01-02T00:00:00Z/WGS84/3/2/5.png", "2020-01-01T00:00:00Z/2020-01-02T00:00:00Z")]
    [InlineData("MERIS/default/2020-01-01/WGS84/3/2/5.png", "2020-01-01")]
    [InlineData("MERIS/default/default/WGS84/3/2/5.png", null)]
    [InlineData("MERIS/default/WGS84/3/2/5.png", null)]
    public void Wmts_rest_time_forms(string path, string? time)
    {
        var q = WmtsGetTileDecoder.DecodeRest(path)!;
        Assert.Equal(("MERIS", null, "WGS84", 3, 2, 5, ImageFormat.Png, time), (q.Layer, q.Style, q.TileMatrixSet, q.Zoom, q.Row, q.Col, q.Format, q.Time));
    }

    [Fact]
    public void Wmts_rest_format_and_shape()
    {
        Assert.Equal(ImageFormat.Jpeg, WmtsGetTileDecoder.DecodeRest("L/S/GoogleMapsCompatible/1/1/1.jpg")!.Format);
        Assert.Equal(ImageFormat.Jpeg, WmtsGetTileDecoder.DecodeRest("L/S/GoogleMapsCompatible/1/1/1.jpeg")!.Format);
        Assert.Null(WmtsGetTileDecoder.DecodeRest("L/S/1/1/1.png"));
        Assert.Null(WmtsGetTileDecoder.DecodeRest("L/S/a/b/c/d/GoogleMapsCompatible/1/1/1.png"));
        Assert.Equal("Format", Throws(() => WmtsGetTileDecoder.DecodeRest("L/S/WGS84/1/1/1.gif")).Locator);
        Assert.Equal("TileOutOfRange", Throws(() => WmtsGetTileDecoder.DecodeRest("L/S/GoogleMapsCompatible/1/2/0.png")).Code);
        Assert.Equal("TileMatrixSet", Throws(() => WmtsGetTileDecoder.DecodeRest("L/S/EPSG:9999/1/1/1.png")).Locator);
    }

    private const string Map = "SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=MERIS&STYLES=&CRS=EPSG:4326&BBOX=30,-20,70,40&WIDTH=200&HEIGHT=100&FORMAT=image/png";

    private static WmsGetMapRequest DecodeMap(string q) => WmsGetMapDecoder.Decode(Kvp.Parse(q), 4096, 4096);

    [Fact]
    public void Wms130_epsg4326_bbox_is_lat_lon_and_is_swapped()
    {
        var r = DecodeMap(Map);
        Assert.Equal([-20, 30, 40, 70], r.Query.Bbox);
        Assert.Equal("EPSG:4326", r.Query.Crs);
        Assert.Equal(WmsVersion.V130, r.Version);
    }

    [Fact]
    public void Crs84_and_wms111_epsg4326_are_lon_lat()
    {
        Assert.Equal([-20, 30, 40, 70], DecodeMap(Map.Replace("CRS=EPSG:4326", "CRS=CRS:84").Replace("BBOX=30,-20,70,40", "BBOX=-20,30,40,70")).Query.Bbox);
        var r = DecodeMap(Map.Replace("VERSION=1.3.0", "VERSION=1.1.1").Replace("CRS=", "SRS=").Replace("BBOX=30,-20,70,40", "BBOX=-20,30,40,70"));
        Assert.Equal((WmsVersion.V111, "EPSG:4326"), (r.Version, r.Query.Crs));
        Assert.Equal([-20, 30, 40, 70], r.Query.Bbox);
        Assert.Equal("EPSG:3857", DecodeMap(Map.Replace("EPSG:4326", "EPSG:900913").Replace("BBOX=30,-20,70,40", "BBOX=0,0,10,10")).Query.Crs);
    }

    [Fact]
    public void Wms_getmap_options()
    {
        var r = DecodeMap(Map.Replace("STYLES=", "STYLES=TRUE_COLOR") + "&TRANSPARENT=TRUE&BGCOLOR=0x102030&TIME=2020-01-01T00:00:00Z&EXCEPTIONS=INIMAGE");
        Assert.True(r.Query.Transparent);
        Assert.Equal(0x102030, r.Query.Background);
        Assert.Equal("2020-01-01T00:00:00Z", r.Query.Time);
        Assert.Equal(WmsExceptionFormat.InImage, r.Exceptions);
        Assert.Equal(["TRUE_COLOR"], r.Query.Styles);
        Assert.Equal(WmsExceptionFormat.Blank, WmsGetMapDecoder.DecodeExceptions(Kvp.Parse("exceptions=application/vnd.ogc.se_blank")));
        Assert.Equal(WmsExceptionFormat.Xml, WmsGetMapDecoder.DecodeExceptions(Kvp.Parse("")));
    }

    [Theory]
    [InlineData("CRS", "EPSG:99999", "InvalidCRS")]
    [InlineData("CRS", null, "MissingParameterValue")]
    [InlineData("LAYERS", null, "MissingParameterValue")]
    [InlineData("BBOX", null, "MissingParameterValue")]
    [InlineData("BBOX", "0,0,1", "InvalidParameterValue")]
    [InlineData("BBOX", "70,-20,30,40", "InvalidParameterValue")]
    [InlineData("BBOX", "30,-20,NaN,40", "InvalidParameterValue")]
    [InlineData("BBOX", "30,-20,Infinity,40", "InvalidParameterValue")]
    [InlineData("WIDTH", "0", "InvalidParameterValue")]
    [InlineData("WIDTH", "abc", "InvalidParameterValue")]
    [InlineData("WIDTH", "4097", "InvalidParameterValue")]
    [InlineData("HEIGHT", "-5", "InvalidParameterValue")]
    [InlineData("HEIGHT", "1e9", "InvalidParameterValue")]
    [InlineData("FORMAT", "image/no-such-format", "InvalidFormat")]
    [InlineData("FORMAT", null, "MissingParameterValue")]
    [InlineData("BGCOLOR", "red", "InvalidParameterValue")]
    [InlineData("TRANSPARENT", "maybe", "InvalidParameterValue")]
    [InlineData("TIME", "2020-01-01,2020-02-01", "InvalidDimensionValue")]
    [InlineData("TIME", "not-a-time", "InvalidDimensionValue")]
    [InlineData("STYLES", "a,b", "StyleNotDefined")]
    public void Wms_getmap_errors(string key, string? value, string code)
    {
        var parts = Map.Split('&').Where(p => !p.StartsWith(key + "=", StringComparison.Ordinal)).ToList();
        if (value is not null) parts.Add($"{key}={Uri.EscapeDataString(value)}");
        var e = Throws(() => DecodeMap(string.Join('&', parts)));
        Assert.Equal((code, 400), (e.Code, e.Status));
    }

    [Fact]
    public void Wms111_unknown_srs_is_InvalidSRS()
    {
        var e = Throws(() => DecodeMap(Map.Replace("VERSION=1.3.0", "VERSION=1.1.1").Replace("CRS=EPSG:4326", "SRS=EPSG:1")));
        Assert.Equal("InvalidSRS", e.Code);
    }

    [Theory]
    [InlineData("2020", true)]
    [InlineData("2020-02-29", true)]
    [InlineData("2021-02-29", false)]
    [InlineData("2020-01-01T10:00:00.123Z", true)]
    [InlineData("2020-01-01T10:00:00+02:00", true)]
    [InlineData("2020-01-01T25:00:00Z", false)]
    [InlineData("01/02/2020", false)]
    public void Iso8601_instants(string s, bool ok) => Assert.Equal(ok, OwsTime.ParseInstant(s) is not null);

    [Fact]
    public void Time_space_is_a_plus_and_intervals_intersect()
    {
        Assert.Equal("2020-01-01T10:00:00+02:00", OwsTime.Normalise("2020-01-01T10:00:00 02:00"));
        Assert.True(OwsTime.Intersects("2020-01-01T06:00:00Z", FakeMapBackend.MerisTimes));
        Assert.True(OwsTime.Intersects("2019-12-01/2020-01-01T00:00:00Z", FakeMapBackend.MerisTimes));
        Assert.False(OwsTime.Intersects("1900-01-01", FakeMapBackend.MerisTimes));
    }

    [Fact]
    public void Etag_matching()
    {
        Assert.True(OwsHttp.EtagMatches("\"abc\"", "\"abc\""));
        Assert.True(OwsHttp.EtagMatches("\"x\", W/\"abc\"", "\"abc\""));
        Assert.True(OwsHttp.EtagMatches("*", "\"abc\""));
        Assert.False(OwsHttp.EtagMatches("\"abcd\"", "\"abc\""));
        Assert.False(OwsHttp.EtagMatches(null, "\"abc\""));
    }
}
