using System.Net;
using System.Xml.Linq;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Prism.Ows.Tests;

/// <summary>The endpoints over HTTP in a real Kestrel: status codes, exception reports, CORS, ETag/304, cache header.</summary>
public class HttpTests(OwsServer server) : IClassFixture<OwsServer>
{
    private static readonly XNamespace Ows = "http://www.opengis.net/ows/1.1";
    private static readonly XNamespace Ogc = "http://www.opengis.net/ogc";
    private const string Kvp = "/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=MERIS&STYLE=TRUE_COLOR&FORMAT=image/png&TILEMATRIXSET=WGS84&TILEMATRIX=2&TILEROW=1&TILECOL=4";

    private static void AssertCors(HttpResponseMessage r) =>
        Assert.Equal("*", Assert.Single(r.Headers.GetValues("Access-Control-Allow-Origin")));

    private async Task<(HttpStatusCode, string? Code, string? Locator)> OwsError(string url, string ns = "http://www.opengis.net/ows/1.1")
    {
        using var r = await server.GetAsync(url);
        AssertCors(r);
        Assert.Contains("xml", r.Content.Headers.ContentType!.MediaType);
        var doc = XDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal(XName.Get("ExceptionReport", ns), doc.Root!.Name);
        var ex = doc.Root.Element(XName.Get("Exception", ns))!;
        return (r.StatusCode, (string?)ex.Attribute("exceptionCode"), (string?)ex.Attribute("locator"));
    }

    [Fact]
    public async Task Kvp_tile_has_etag_cache_control_cors_and_cache_header()
    {
        using var first = await server.GetAsync(Kvp + "&TIME=2020-01-01T00:00:00Z/2020-01-01T12:00:00Z");
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        AssertCors(first);
        Assert.Equal("image/png", first.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(first.Headers.ETag);
        Assert.Equal(TimeSpan.FromSeconds(3600), first.Headers.CacheControl!.MaxAge);
        Assert.True(first.Headers.CacheControl.Public);
        var source1 = first.Headers.GetValues("X-Prism-Cache").Single();
        using var img = Image.Load<Rgba32>(await first.Content.ReadAsByteArrayAsync());
        Assert.Equal((256, 256), (img.Width, img.Height));

        using var second = await server.GetAsync(Kvp + "&TIME=2020-01-01T00:00:00Z/2020-01-01T12:00:00Z");
        Assert.Equal("memory", second.Headers.GetValues("X-Prism-Cache").Single());
        Assert.Contains(source1, new[] { "rendered", "memory" });
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
    }

    [Fact]
    public async Task Matching_if_none_match_gives_304_with_cors()
    {
        using var first = await server.GetAsync(Kvp);
        var etag = first.Headers.ETag!.Tag;
        using var req = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + Kvp);
        req.Headers.TryAddWithoutValidation("If-None-Match", $"\"other\", {etag}");
        using var r = await server.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.NotModified, r.StatusCode);
        AssertCors(r);
        Assert.Equal(etag, r.Headers.ETag!.Tag);
        Assert.Empty(await r.Content.ReadAsByteArrayAsync());
        // without TIME the short max-age applies (the default time moves)
        Assert.Equal(TimeSpan.FromSeconds(60), first.Headers.CacheControl!.MaxAge);

        using var req2 = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + Kvp);
        req2.Headers.TryAddWithoutValidation("If-None-Match", "\"stale\"");
        using var r2 = await server.Http.SendAsync(req2);
        Assert.Equal(HttpStatusCode.OK, r2.StatusCode);
    }

    [Fact]
    public async Task Rest_tile_equals_kvp_tile_in_every_time_form()
    {
        const string t = "2020-02-01T00:00:00Z/2020-02-01T12:00:00Z";
        var kvp = await server.Http.GetByteArrayAsync(server.BaseUrl + Kvp + "&TIME=" + t);
        foreach (var form in new[] { t.Replace("/", "--"), t })
        {
            using var r = await server.GetAsync($"/wmts/1.0.0/MERIS/TRUE_COLOR/{form}/WGS84/2/1/4.png");
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            AssertCors(r);
            Assert.Equal(kvp, await r.Content.ReadAsByteArrayAsync());
        }
        Assert.Equal("2020-02-01T00:00:00Z/2020-02-01T12:00:00Z", server.Backend.LastTile!.Time);
        using var noTime = await server.GetAsync("/wmts/1.0.0/MERIS/TRUE_COLOR/GoogleMapsCompatible/3/2/4.jpg");
        Assert.Equal(HttpStatusCode.OK, noTime.StatusCode);
        Assert.Equal("image/jpeg", noTime.Content.Headers.ContentType!.MediaType);
        Assert.Null(server.Backend.LastTile!.Time);
    }

    [Theory]
    [InlineData("&TILEROW=8", "TileOutOfRange", "TileRow")]
    [InlineData("&TILEROW=-1", "TileOutOfRange", "TileRow")]
    [InlineData("&TILECOL=8", "TileOutOfRange", "TileCol")]
    [InlineData("&TILEROW=abc", "InvalidParameterValue", "TileRow")]
    [InlineData("&TILEMATRIX=no_such_matrix", "InvalidParameterValue", "TileMatrix")]
    [InlineData("&TILEMATRIXSET=no_such_set", "InvalidParameterValue", "TileMatrixSet")]
    [InlineData("&LAYER=no_such_layer", "InvalidParameterValue", "Layer")]
    [InlineData("&STYLE=no_such_style", "InvalidParameterValue", "Style")]
    [InlineData("&FORMAT=image/no-such-format", "InvalidParameterValue", "Format")]
    [InlineData("&TIME=1900-01-01", "InvalidDimensionValue", "time")]
    [InlineData("&TIME=garbage", "InvalidDimensionValue", "time")]
    [InlineData("&TILEMATRIX=", "MissingParameterValue", "TileMatrix")]
    public async Task Wmts_errors_are_ows11_reports_with_400(string change, string code, string locator)
    {
        var key = change[1..change.IndexOf('=')];
        var url = string.Join('&', Kvp.Split('&').Where(p => !p.StartsWith(key + "=", StringComparison.Ordinal))) + change;
        Assert.Equal((HttpStatusCode.BadRequest, code, locator), await OwsError(url));
    }

    [Fact]
    public async Task Wmts_operation_and_version_errors()
    {
        Assert.Equal((HttpStatusCode.NotImplemented, "OperationNotSupported", "request"), await OwsError("/wmts?SERVICE=WMTS&REQUEST=GetFeatureInfo"));
        Assert.Equal((HttpStatusCode.BadRequest, "MissingParameterValue", "request"), await OwsError("/wmts?SERVICE=WMTS"));
        Assert.Equal((HttpStatusCode.BadRequest, "VersionNegotiationFailed", "AcceptVersions"),
            await OwsError("/wmts?SERVICE=WMTS&REQUEST=GetCapabilities&ACCEPTVERSIONS=9.9.9"));
        Assert.Equal((HttpStatusCode.NotFound, "InvalidParameterValue", null), await OwsError("/wmts/1.0.0/MERIS/x.png"));
        Assert.Equal((HttpStatusCode.BadRequest, "TileOutOfRange", "TileRow"), await OwsError("/wmts/1.0.0/MERIS/default/WGS84/0/1/0.png"));
    }

    [Fact]
    public async Task Ows_dispatches_by_service()
    {
        // SERVICE=WCS goes to the WCS handler, tested with its backend in Prism.Wcs.Tests.
        Assert.Equal((HttpStatusCode.BadRequest, "MissingParameterValue", "service"), await OwsError("/ows?request=GetCapabilities"));
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameterValue", "service"), await OwsError("/ows?SERVICE=WFS&REQUEST=GetCapabilities"));
        using var wmts = await server.GetAsync("/ows?sErViCe=WMTS&request=GetCapabilities");
        Assert.Equal("Capabilities", XDocument.Parse(await wmts.Content.ReadAsStringAsync()).Root!.Name.LocalName);
        Assert.Equal("application/xml", wmts.Content.Headers.ContentType!.MediaType);
        using var wms = await server.GetAsync("/ows?SERVICE=WMS&REQUEST=GetCapabilities");
        Assert.Equal("WMS_Capabilities", XDocument.Parse(await wms.Content.ReadAsStringAsync()).Root!.Name.LocalName);
        Assert.Equal("text/xml", wms.Content.Headers.ContentType!.MediaType);
        AssertCors(wms);
        using var tile = await server.GetAsync("/ows?" + Kvp[(Kvp.IndexOf('?') + 1)..]);
        Assert.Equal(HttpStatusCode.OK, tile.StatusCode);
    }

    private const string Map = "/ows?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=MERIS&STYLES=&CRS=EPSG:4326&BBOX=30,-20,70,40&WIDTH=200&HEIGHT=100&FORMAT=image/png";

    private async Task<(HttpStatusCode, string? Code)> WmsError(string url)
    {
        using var r = await server.GetAsync(url);
        AssertCors(r);
        Assert.Equal("text/xml", r.Content.Headers.ContentType!.MediaType);
        var doc = XDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal(Ogc + "ServiceExceptionReport", doc.Root!.Name);
        return (r.StatusCode, (string?)doc.Root.Element(Ogc + "ServiceException")!.Attribute("code"));
    }

    [Fact]
    public async Task Wms_getmap_passes_the_swapped_bbox_and_options_to_the_backend()
    {
        using var r = await server.GetAsync(Map + "&TRANSPARENT=TRUE&BGCOLOR=0x00FF00&TIME=2020-02-01T06:00:00Z");
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        AssertCors(r);
        Assert.NotNull(r.Headers.ETag);
        Assert.Equal("rendered", r.Headers.GetValues("X-Prism-Cache").Single());
        var q = server.Backend.LastMap!;
        Assert.Equal([-20, 30, 40, 70], q.Bbox);
        Assert.Equal((200, 100, true, 0x00FF00, "2020-02-01T06:00:00Z"), (q.Width, q.Height, q.Transparent, q.Background, q.Time));
    }

    [Theory]
    [InlineData("&LAYERS=nope", "LayerNotDefined", HttpStatusCode.BadRequest)]
    [InlineData("&STYLES=nope", "StyleNotDefined", HttpStatusCode.BadRequest)]
    [InlineData("&CRS=EPSG:99999", "InvalidCRS", HttpStatusCode.BadRequest)]
    [InlineData("&FORMAT=image/no-such-format", "InvalidFormat", HttpStatusCode.BadRequest)]
    [InlineData("&TIME=1900-01-01", "InvalidDimensionValue", HttpStatusCode.BadRequest)]
    [InlineData("&BBOX=70,-20,30,40", "InvalidParameterValue", HttpStatusCode.BadRequest)]
    [InlineData("&WIDTH=100000", "InvalidParameterValue", HttpStatusCode.BadRequest)]
    [InlineData("&WIDTH=2049", "InvalidParameterValue", HttpStatusCode.BadRequest)]
    [InlineData("&REQUEST=GetFeatureInfo", "OperationNotSupported", HttpStatusCode.NotImplemented)]
    public async Task Wms_errors_are_service_exception_reports(string change, string code, HttpStatusCode status)
    {
        var key = change[1..change.IndexOf('=')];
        var url = string.Join('&', Map.Split('&').Where(p => !p.StartsWith(key + "=", StringComparison.Ordinal))) + change;
        if (!url.Contains('?')) url = url.Replace("/ows&", "/ows?");
        Assert.Equal((status, code), await WmsError(url));
    }

    [Fact]
    public async Task Wms_inimage_and_blank_exceptions_are_images_of_the_requested_size()
    {
        using var inimage = await server.GetAsync(Map.Replace("LAYERS=MERIS", "LAYERS=nope").Replace("FORMAT=image/png", "FORMAT=image/jpeg").Replace("WIDTH=200&HEIGHT=100", "WIDTH=300&HEIGHT=120") + "&EXCEPTIONS=INIMAGE");
        Assert.Equal(HttpStatusCode.OK, inimage.StatusCode);
        AssertCors(inimage);
        Assert.Equal("image/jpeg", inimage.Content.Headers.ContentType!.MediaType);
        using (var img = Image.Load<Rgba32>(await inimage.Content.ReadAsByteArrayAsync()))
        {
            Assert.Equal((300, 120), (img.Width, img.Height));
            var red = 0;
            img.ProcessPixelRows(a => { for (var y = 0; y < a.Height; y++) foreach (var p in a.GetRowSpan(y)) if (p.R > 150 && p.G < 100) red++; });
            Assert.True(red > 50, "the message is drawn");
        }
        using var blank = await server.GetAsync(Map.Replace("LAYERS=MERIS", "LAYERS=nope") + "&EXCEPTIONS=BLANK&TRANSPARENT=TRUE");
        Assert.Equal("image/png", blank.Content.Headers.ContentType!.MediaType);
        using (var img = Image.Load<Rgba32>(await blank.Content.ReadAsByteArrayAsync()))
        {
            Assert.Equal((200, 100), (img.Width, img.Height));
            Assert.Equal(0, img[10, 10].A);
        }
        // no usable image size: the XML report instead
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidParameterValue"), await WmsError(Map.Replace("WIDTH=200", "WIDTH=0") + "&EXCEPTIONS=INIMAGE"));
    }

    [Fact]
    public async Task Wms111_errors_and_capabilities()
    {
        using var r = await server.GetAsync("/ows?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=MERIS&STYLES=&SRS=EPSG:1&BBOX=0,0,1,1&WIDTH=10&HEIGHT=10&FORMAT=image/png");
        Assert.Equal("application/vnd.ogc.se_xml", r.Content.Headers.ContentType!.MediaType);
        var doc = XDocument.Parse(await r.Content.ReadAsStringAsync());
        Assert.Equal("InvalidSRS", (string?)doc.Root!.Element("ServiceException")!.Attribute("code"));
        using var caps = await server.GetAsync("/ows?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetCapabilities");
        Assert.Equal("WMT_MS_Capabilities", XDocument.Parse(await caps.Content.ReadAsStringAsync()).Root!.Name.LocalName);
        using var ok = await server.GetAsync("/ows?SERVICE=WMS&VERSION=1.1.1&REQUEST=GetMap&LAYERS=SAR&STYLES=&SRS=EPSG:4326&BBOX=5,40,15,50&WIDTH=10&HEIGHT=10&FORMAT=image/png");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal([5, 40, 15, 50], server.Backend.LastMap!.Bbox);
    }

    [Fact]
    public async Task Preflight_and_head()
    {
        using var req = new HttpRequestMessage(HttpMethod.Options, server.BaseUrl + "/wmts/1.0.0/MERIS/default/WGS84/0/0/0.png");
        req.Headers.Add("Origin", "https://client.example");
        req.Headers.Add("Access-Control-Request-Method", "GET");
        using var r = await server.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.NoContent, r.StatusCode);
        AssertCors(r);
        using var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, server.BaseUrl + Kvp));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.True(head.Content.Headers.ContentLength > 0);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }
}
