using System.Net;
using System.Net.Http.Headers;

namespace Prism.Ows.Tests;

/// <summary>REST tile paths are decoded once and the decoding reused; errors are decoded (and reported) every time.</summary>
public class RestPathCacheTests(OwsServer server) : IClassFixture<OwsServer>
{
    private const string Path = "/wmts/1.0.0/MERIS/TRUE_COLOR/2020-02-01T00:00:00Z--2020-02-01T12:00:00Z/WGS84/2/1/4.png";

    [Fact]
    public async Task A_path_seen_before_gives_the_same_query_and_the_same_answer()
    {
        using var first = await server.GetAsync(Path);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var q1 = server.Backend.LastTile!;
        Assert.Equal("2020-02-01T00:00:00Z/2020-02-01T12:00:00Z", q1.Time);
        Assert.Equal(("MERIS", "TRUE_COLOR", "WGS84", 2, 1, 4), (q1.Layer, q1.Style, q1.TileMatrixSet, q1.Zoom, q1.Row, q1.Col));

        using var second = await server.GetAsync(Path);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Same(q1, server.Backend.LastTile);
        Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await second.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal("*", Assert.Single(second.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("public, max-age=3600", second.Headers.CacheControl!.ToString());

        // Validators still apply to a remembered path.
        using var req = new HttpRequestMessage(HttpMethod.Get, server.BaseUrl + Path);
        req.Headers.IfNoneMatch.Add(EntityTagHeaderValue.Parse(second.Headers.ETag!.ToString()));
        using var notModified = await server.Http.SendAsync(req);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);

        // Another spelling of the same tile is another path, decoded to an equal query.
        using var slash = await server.GetAsync("/wmts/1.0.0/MERIS/TRUE_COLOR/2020-02-01T00:00:00Z/2020-02-01T12:00:00Z/WGS84/2/1/4.png");
        Assert.Equal(HttpStatusCode.OK, slash.StatusCode);
        Assert.Equal(q1, server.Backend.LastTile);
    }

    [Theory]
    [InlineData("/wmts/1.0.0/MERIS/default/WGS84/0/1/0.png", HttpStatusCode.BadRequest)]
    [InlineData("/wmts/1.0.0/MERIS/default/garbage/WGS84/0/0/0.png", HttpStatusCode.BadRequest)]
    [InlineData("/wmts/1.0.0/MERIS/x.png", HttpStatusCode.NotFound)]
    public async Task A_bad_path_is_an_error_every_time(string path, HttpStatusCode status)
    {
        for (var i = 0; i < 2; i++)
        {
            using var r = await server.GetAsync(path);
            Assert.Equal(status, r.StatusCode);
            Assert.Equal("*", Assert.Single(r.Headers.GetValues("Access-Control-Allow-Origin")));
        }
    }
}
