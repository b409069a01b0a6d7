using System.Text;
using Prism.Ingestion;

namespace Prism.Tests;

public sealed class MetadataMessageParserTests
{
    private const string Valid = """
        {"id":"ASA_WSM_1PNDPA20050331_075939_000000552036_00035_16121_0775","product_type":"ASA_WSM_1P",
         "begin_time":"2005-03-31T07:59:36.409Z","end_time":"2005-03-31T08:00:36.342Z",
         "footprint":"POLYGON((22.302402 -33.038045,17.927845 -31.984137,16.726531 -35.167749,21.257438 -36.259394,22.302402 -33.038045))",
         "properties":{"platform":"ENVISAT","instrument":"ASAR","cloud_cover":5,"orbit_number":16121,"swath":"WS","look":2,"flags":["a","b"]},
         "data":["asar/ASA_WSM_1PNDPA20050331_075939_000000552036_00035_16121_0775.tiff"]}
        """;

    [Fact]
    public void A_valid_message_parses()
    {
        var (m, data) = MetadataMessageParser.Parse(Valid);
        Assert.Equal("ASA_WSM_1PNDPA20050331_075939_000000552036_00035_16121_0775", m.Identifier);
        Assert.Equal("ASA_WSM_1P", m.ProductType);
        Assert.Equal(new DateTimeOffset(2005, 3, 31, 7, 59, 36, 409, TimeSpan.Zero), m.BeginTime);
        Assert.Equal(new DateTimeOffset(2005, 3, 31, 8, 0, 36, 342, TimeSpan.Zero), m.EndTime);
        Assert.StartsWith("MULTIPOLYGON(((22.302402 -33.038045,", m.FootprintWkt);
        Assert.Equal("ENVISAT", m.Platform);
        Assert.Equal("ASAR", m.Instrument);
        Assert.Equal(5, m.CloudCover);
        Assert.Equal(16121, m.OrbitNumber);
        Assert.Equal("WS", m.Properties["swath"]);
        Assert.Equal("2", m.Properties["look"]);
        Assert.Equal("a,b", m.Properties["flags"]);
        Assert.Equal(["asar/ASA_WSM_1PNDPA20050331_075939_000000552036_00035_16121_0775.tiff"], data);
    }

    [Fact]
    public void GeoJson_and_missing_footprints_are_accepted()
    {
        var geo = Valid.Replace(
            "\"POLYGON((22.302402 -33.038045,17.927845 -31.984137,16.726531 -35.167749,21.257438 -36.259394,22.302402 -33.038045))\"",
            """{"type":"Polygon","coordinates":[[[170,10],[-170,10],[-170,20],[170,20],[170,10]]]}""");
        Assert.Equal(2, MetadataExtractorTests.Rings(MetadataMessageParser.Parse(geo).Metadata.FootprintWkt!).Count);

        var none = """{"id":"A_1","product_type":"T","begin_time":"2020-01-01T00:00:00Z","end_time":"2020-01-01T00:00:00Z","data":["a.tif"]}""";
        Assert.Null(MetadataMessageParser.Parse(none).Metadata.FootprintWkt);
    }

    private const string Base = "\"id\":\"A_1\",\"product_type\":\"T\",\"begin_time\":\"2020-01-01T00:00:00Z\",\"end_time\":\"2020-01-02T00:00:00Z\"";

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("{", "is not valid JSON")]
    [InlineData("\"just a string\"", "must be a JSON object")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("""{"product_type":"T","begin_time":"2020-01-01T00:00:00Z","end_time":"2020-01-01T00:00:00Z","data":["a"]}""", "missing id")]
    [InlineData("""{"id":"A","begin_time":"2020-01-01T00:00:00Z","end_time":"2020-01-01T00:00:00Z","data":["a"]}""", "missing product_type")]
    [InlineData("""{"id":"A","product_type":"T","end_time":"2020-01-01T00:00:00Z","data":["a"]}""", "missing begin_time")]
    [InlineData("""{"id":"A","product_type":"T","begin_time":"2020-01-01T00:00:00Z","data":["a"]}""", "missing end_time")]
    [InlineData("""{"id":42,"product_type":"T","begin_time":"2020-01-01T00:00:00Z","end_time":"2020-01-01T00:00:00Z","data":["a"]}""", "field 'id' must be a string, not a number")]
    [InlineData("""{"id":["A"],"product_type":"T","begin_time":"2020-01-01T00:00:00Z","end_time":"2020-01-01T00:00:00Z","data":["a"]}""", "field 'id' must be a string, not an array")]
    [InlineData("""{"id":"A","product_type":"T","begin_time":"2020-01-02T00:00:00Z","end_time":"2020-01-01T00:00:00Z","data":["a"]}""", "is before beginTime")]
    [InlineData("""{"id":"A","product_type":"T","begin_time":"tomorrow","end_time":"2020-01-01T00:00:00Z","data":["a"]}""", "invalid begin_time 'tomorrow'")]
    [InlineData("""{"id":"../x","product_type":"T","begin_time":"2020-01-01T00:00:00Z","end_time":"2020-01-01T00:00:00Z","data":["a"]}""", "id '../x' contains a character")]
    [InlineData("""{"id":"A","id":"B","product_type":"T","begin_time":"2020-01-01T00:00:00Z","end_time":"2020-01-01T00:00:00Z","data":["a"]}""", "is not valid JSON")]
    public void Hostile_headers_fail_cleanly(string json, string reason) => AssertFails(json, reason);

    [Theory]
    [InlineData("", "missing data")]
    [InlineData(""","data":null""", "missing data")]
    [InlineData(""","data":"a.tif" """, "field 'data' must be an array of strings, not a string")]
    [InlineData(""","data":[]""", "field 'data' is empty")]
    [InlineData(""","data":[1]""", "field 'data[0]' must be a string, not a number")]
    [InlineData(""","data":[""]""", "field 'data[0]' is empty")]
    [InlineData(""","data":["ok.tif","../../etc/passwd"]""", "field 'data[1]' '../../etc/passwd' must not contain '..'")]
    [InlineData(""","data":["a\u0000b"]""", "control characters")]
    [InlineData(""","data":["a"],"footprint":12""", "field 'footprint' must be WKT text or a GeoJSON geometry, not a number")]
    [InlineData(""","data":["a"],"footprint":"LINESTRING(1 2,3 4)" """, "not supported")]
    [InlineData(""","data":["a"],"footprint":{"type":"Polygon","coordinates":[[[1,"x"]]]}""", "must be an array [lon, lat] of numbers")]
    [InlineData(""","data":["a"],"properties":[]""", "field 'properties' must be an object, not an array")]
    [InlineData(""","data":["a"],"properties":{"cloud_cover":"lots"}""", "field 'properties.cloud_cover' must be a number, not a string")]
    [InlineData(""","data":["a"],"properties":{"cloud_cover":150}""", "invalid properties.cloud_cover '150'")]
    [InlineData(""","data":["a"],"properties":{"orbit_number":1.5}""", "field 'properties.orbit_number' must be an integer")]
    [InlineData(""","data":["a"],"properties":{"platform":{"x":1}}""", "field 'properties.platform' must be a string, not an object")]
    [InlineData(""","data":["a"],"properties":{"nested":{"x":1}}""", "must be a string, number, boolean or array of those")]
    public void Hostile_bodies_fail_cleanly(string rest, string reason) => AssertFails("{" + Base + rest + "}", reason);

    [Fact]
    public void Huge_messages_fail_before_parsing()
    {
        var huge = "{" + Base + ",\"data\":[\"a\"],\"pad\":\"" + new string('x', 2 << 20) + "\"}";
        AssertFails(huge, $"is larger than the limit of {MetadataMessageParser.DefaultMaxBytes} bytes");
    }

    [Fact]
    public void Deep_nesting_fails()
    {
        var deep = "{" + Base + ",\"data\":[\"a\"],\"properties\":{\"x\":" + new string('[', 500) + new string(']', 500) + "}}";
        AssertFails(deep, "is not valid JSON");
    }

    [Fact]
    public void Too_many_data_paths_or_properties_fail()
    {
        var paths = string.Join(",", Enumerable.Range(0, MetadataMessageParser.MaxDataPaths + 1).Select(i => $"\"p{i}.tif\""));
        AssertFails("{" + Base + ",\"data\":[" + paths + "]}", "more than 1000 paths");

        var props = new StringBuilder();
        for (var i = 0; i <= MetadataMessageParser.MaxProperties; i++) props.Append(i == 0 ? "" : ",").Append($"\"k{i}\":{i}");
        AssertFails("{" + Base + ",\"data\":[\"a\"],\"properties\":{" + props + "}}", "more than 256 entries");
    }

    private static void AssertFails(string json, string reason)
    {
        var ex = Assert.Throws<PermanentIngestException>(() => MetadataMessageParser.Parse(json));
        Assert.Contains(reason, ex.Message);
    }
}
