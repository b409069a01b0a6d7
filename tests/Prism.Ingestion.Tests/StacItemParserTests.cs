using Prism.Ingestion;
using Prism.Ingestion.Geometry;

namespace Prism.Tests;

public sealed class StacItemParserTests
{
    private static string Sample() =>
        File.ReadAllText(Directory.GetFiles(Path.Combine(TestEnvironment.SharedData, "stac"), "*.json").Single());

    [Fact]
    public void The_sample_item_parses()
    {
        var (m, assets) = StacItemParser.Parse(Sample());

        Assert.Equal("MER_FRS_1PNPDE20060816_090929_000001972050_00222_23322_0058_uint16_reduced_compressed", m.Identifier);
        Assert.Equal("MER_FRS_1P", m.ProductType); // ESA product type prefix of the id
        Assert.Equal(DateTimeOffset.Parse("2006-08-16T09:09:29Z"), m.BeginTime);
        Assert.Equal(DateTimeOffset.Parse("2006-08-16T09:12:46Z"), m.EndTime);
        Assert.Equal("ENVISAT", m.Platform);
        Assert.Equal("MERIS", m.Instrument);
        var b = Footprint.Bounds(m.FootprintWkt!);
        Assert.Equal(11.648344319329102, b.MinLon, 9);
        Assert.Equal(32.269745756399814, b.MinLat, 9);
        Assert.Equal(27.968590771844294, b.MaxLon, 9);
        Assert.Equal(46.21655811716183, b.MaxLat, 9);

        Assert.Equal(["overview", "data"], assets.Select(a => a.Key));
        var data = assets.Single(a => a.Key == "data");
        Assert.Equal("../MER_FRS_1P_reduced/ENVISAT-MER_FRS_1PNPDE20060816_090929_000001972050_00222_23322_0058_uint16_reduced_compressed.tif", data.Href);
        Assert.Equal("image/tiff", data.Type);
        Assert.Equal(["data"], data.Roles);
        Assert.Equal("Data", data.Title);
    }

    [Fact]
    public void An_explicit_product_type_wins()
    {
        Assert.Equal("MER_RGB", StacItemParser.Parse(Sample(), productType: "MER_RGB").Metadata.ProductType);
    }

    [Fact]
    public void Sar_and_sat_fields_go_into_properties_and_the_record()
    {
        const string json = """
            {"type":"Feature","stac_version":"1.0.0","id":"S1A_TEST","collection":"S1_GRD",
             "geometry":{"type":"Polygon","coordinates":[[[170,10],[-170,10],[-170,20],[170,20],[170,10]]]},
             "properties":{"datetime":"2021-01-01T00:00:00.5Z","platform":"sentinel-1a","constellation":"sentinel-1",
               "instruments":["c-sar"],"sar:instrument_mode":"IW","sar:polarizations":["VV","VH"],
               "sat:orbit_state":"ascending","sat:absolute_orbit":36000,"eo:cloud_cover":0,"processing:level":"L1"},
             "assets":{}}
            """;
        var (m, assets) = StacItemParser.Parse(json);
        Assert.Equal("S1_GRD", m.ProductType);
        Assert.Equal(m.BeginTime, m.EndTime);
        Assert.Equal("sentinel-1a", m.Platform);
        Assert.Equal("c-sar", m.Instrument);
        Assert.Equal("ASCENDING", m.OrbitDirection);
        Assert.Equal(36000, m.OrbitNumber);
        Assert.Equal(0, m.CloudCover);
        Assert.Equal("L1", m.Level);
        Assert.Equal("IW", m.Properties["sar:instrument_mode"]);
        Assert.Equal("VV,VH", m.Properties["sar:polarizations"]);
        Assert.Equal("sentinel-1", m.Properties["constellation"]);
        Assert.Equal(2, MetadataExtractorTests.Rings(m.FootprintWkt!).Count);
        Assert.Empty(assets);
    }

    [Theory]
    [InlineData("not json", "is not valid JSON")]
    [InlineData("[]", "must be a JSON object")]
    [InlineData("""{"type":"Feature","properties":{"datetime":"2020-01-01T00:00:00Z"}}""", "missing id")]
    [InlineData("""{"type":"Feature","id":"X_1","collection":"C","properties":{}}""", "missing properties.datetime")]
    [InlineData("""{"type":"Feature","id":"X_1","collection":"C"}""", "missing properties")]
    [InlineData("""{"type":"Feature","id":"X_1","collection":"C","properties":{"datetime":"soon"}}""", "invalid beginTime 'soon'")]
    [InlineData("""{"type":"Feature","id":"X_1","collection":"C","properties":{"datetime":42}}""", "must be a string")]
    [InlineData("""{"type":"Feature","id":"x","properties":{"datetime":"2020-01-01T00:00:00Z"}}""", "missing product type")]
    [InlineData("""{"type":"FeatureCollection","id":"X_1"}""", "not a STAC Item")]
    [InlineData("""{"type":"Feature","id":"X_1","collection":"C","properties":{"datetime":"2020-01-01T00:00:00Z"},"geometry":{"type":"Point","coordinates":[1,2]}}""", "not supported")]
    [InlineData("""{"type":"Feature","id":"X_1","collection":"C","properties":{"datetime":"2020-01-01T00:00:00Z"},"assets":{"a":{"type":"image/tiff"}}}""", "missing assets.a.href")]
    public void Invalid_items_fail_with_a_reason(string json, string reason)
    {
        var ex = Assert.Throws<PermanentIngestException>(() => StacItemParser.Parse(json));
        Assert.Contains(reason, ex.Message);
    }
}
