using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Prism.Catalog;
using Prism.Gateway.Stac;

namespace Prism.Stac.Tests;

/// <summary>The item search responses are written straight with a <see cref="Utf8JsonWriter"/>; they must say exactly
/// what the DOM-built documents (<see cref="StacDocuments.Item"/>) say.</summary>
[Collection(StacCollection.Name)]
public sealed class StacStreamingTests(StacServer server)
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, Options)) write(writer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static StacDocuments Docs() => new(new StacOptions(), "http://example.test/base/");

    /// <summary>Products that reach every branch of the item document: a MultiPolygon, colliding free properties,
    /// missing and out-of-range optional values, duplicate coverage identifiers, characters that need escaping.</summary>
    private static IEnumerable<ProductRecord> EdgeCases()
    {
        var baseRecord = StacSamples.ToRecord(StacSamples.Grid[4]);
        yield return baseRecord with
        {
            Identifier = "multi/part?&\"quoted\" é",
            FootprintWkt = "MULTIPOLYGON(((170 -10,180 -10,180 10,170 10,170 -10)),((-180 -10,-170 -10,-170 10,-180 10,-180 -10)))",
            Platform = "Sentinel-1B", Instrument = "SAR-C", SensorType = "RADAR", CloudCover = null,
            OrbitNumber = -3, OrbitDirection = " Ascending ", AcquisitionType = "NOMINAL", ProcessingCenter = "PDHS", Status = "ARCHIVED",
            Properties = new Dictionary<string, string>
            {
                ["product_type"] = "shadowed", ["sensor_type"] = "shadowed", ["status"] = "shadowed", ["z"] = "last", ["a"] = "first",
                [""] = "empty name", [new string('x', 101)] = "too long", ["tab\tand<html>"] = "<b>&amp;</b>",
            },
            Coverages = [StacSamples.Coverage("", "a.tif"), StacSamples.Coverage("", "b.tif"), StacSamples.Coverage("wms", "c.tif"), StacSamples.Coverage("data-2", "d.tif")],
            UpdatedAt = new DateTimeOffset(2024, 5, 6, 7, 8, 9, 123, TimeSpan.FromHours(2)),
        };
        yield return baseRecord with
        {
            Identifier = "bare", FootprintWkt = "POLYGON((0.1 0.2,1.3333333333333333 0.2,1.3333333333333333 1e-7,0.1 0.2))",
            Platform = null, Instrument = "", SensorType = null, CloudCover = double.NaN, OrbitNumber = null, OrbitDirection = "sideways",
            Properties = new Dictionary<string, string> { ["acquisition_type"] = "free (the named one is absent)", ["processing_center"] = "free too" },
            Coverages = [],
        };
        yield return baseRecord with { Identifier = "cloud-101", CloudCover = 101, OrbitNumber = 0, OrbitDirection = null, Platform = "Landsat-8" };
        yield return baseRecord with { Identifier = "only-orbit-state", CloudCover = 0, OrbitNumber = null, OrbitDirection = "DESCENDING" };
    }

    [Fact]
    public void A_written_item_is_the_dom_item_member_for_member()
    {
        var docs = Docs();
        var products = server.All.Concat(EdgeCases()).ToList();
        Assert.True(products.Count > 20);
        foreach (var p in products)
            foreach (var collection in p.Collections.Append("other collection/ü"))
            {
                var dom = docs.Item(p, collection);
                var written = Write(w => docs.WriteItem(w, p, collection));
                Assert.True(JsonNode.DeepEquals(dom, JsonNode.Parse(written)), $"{p.Identifier} in {collection}:\n{written}\n{dom.ToJsonString()}");
                // The same members in the same order: the same text through the same writer options.
                Assert.Equal(Write(w => dom.WriteTo(w)), written);
            }
    }

    [Fact]
    public void A_written_item_collection_is_the_dom_feature_collection()
    {
        var docs = Docs();
        var products = server.All.Concat(EdgeCases()).ToList();
        JsonArray Links()
        {
            var links = new JsonArray { StacDocuments.Link("root", docs.Root, StacDocuments.JsonType) };
            var next = StacDocuments.Link("next", $"{docs.Root}/search", StacDocuments.GeoJsonType);
            next["method"] = "POST";
            next["body"] = new JsonObject { ["limit"] = 3, ["token"] = "next:3", ["collections"] = new JsonArray("a", "b") };
            next["merge"] = false;
            links.Add(next);
            return links;
        }
        string CollectionOf(ProductRecord p) => p.Collections.FirstOrDefault() ?? p.ProductType;

        foreach (var subset in new[] { products, products.Take(1).ToList(), [] })
        {
            var features = new JsonArray();
            foreach (var p in subset) features.Add(docs.Item(p, CollectionOf(p)));
            var dom = new JsonObject
            {
                ["type"] = "FeatureCollection",
                ["features"] = features,
                ["links"] = Links(),
                ["numberReturned"] = features.Count,
            };
            var written = Write(w => docs.WriteItemCollection(w, subset, CollectionOf, Links()));
            Assert.True(JsonNode.DeepEquals(dom, JsonNode.Parse(written)));
            Assert.Equal(Write(w => dom.WriteTo(w)), written);
        }
    }

    [Fact]
    public async Task Every_searched_feature_equals_the_single_item_document()
    {
        var responses = new List<JsonObject>
        {
            await server.GetJsonAsync("/stac/search?limit=100"),
            await server.GetJsonAsync($"/stac/collections/{StacSamples.Generated}/items?limit=5&token=next:5"),
            (await server.PostAsync("/stac/search", new JsonObject { ["limit"] = 100, ["collections"] = new JsonArray(StacSamples.Generated) })).Body,
        };
        var compared = 0;
        foreach (var page in responses)
        {
            Assert.Equal("FeatureCollection", (string?)page["type"]);
            var features = page["features"]!.AsArray();
            Assert.Equal(features.Count, (int)page["numberReturned"]!);
            Assert.NotEmpty(page["links"]!.AsArray());
            foreach (var feature in features)
            {
                var id = (string)feature!["id"]!;
                var collection = (string)feature["collection"]!;
                var single = await server.GetJsonAsync($"/stac/collections/{Uri.EscapeDataString(collection)}/items/{Uri.EscapeDataString(id)}");
                Assert.True(JsonNode.DeepEquals(single, feature), $"{id}:\n{feature.ToJsonString()}\n{single.ToJsonString()}");
                compared++;
            }
        }
        Assert.Equal(server.All.Count + 5 + server.All.Count(p => p.Collections.Contains(StacSamples.Generated)), compared);
    }
}
