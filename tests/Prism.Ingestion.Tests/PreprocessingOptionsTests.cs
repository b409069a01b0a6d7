using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Prism.Ingestion;

namespace Prism.Tests;

public sealed class PreprocessingOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_read_eo_om()
    {
        var o = new PreprocessingOptions();
        Assert.Empty(o.Validate());
        Assert.Equal(["*.xml"], o.MetadataGlobs);
        Assert.Equal(["*.tif", "*.tiff"], o.DataFileGlobs);
        Assert.Equal("http://www.opengis.net/gml/3.2", o.Namespaces["gml"]);
        foreach (var prefix in new[] { "eop", "opt", "sar", "om", "gml", "xlink", "swe" }) Assert.True(o.Namespaces.ContainsKey(prefix), prefix);
        foreach (var field in PreprocessingOptions.Fields.Known) Assert.False(string.IsNullOrWhiteSpace(o.Extractors[field]), field);
        Assert.Equal(256, o.Cog.BlockSize);
        Assert.Null(o.Cog.Compression);
    }

    [Fact]
    public void Meris_rgb_makes_black_transparent_by_default()
    {
        var o = new PreprocessingOptions();
        Assert.Equal(0, o.ResolveFor("MER_FRS_1P").NoData);
        Assert.Equal("0", o.ResolveFor("MER_FRS_1P").NoDataText);
        Assert.Null(o.ResolveFor("ASA_WSM_1P").NoData);
        Assert.Null(o.ResolveFor(null).NoData);
    }

    [Fact]
    public void ResolveFor_merges_overrides()
    {
        var o = new PreprocessingOptions { TargetCrs = "EPSG:3857" };
        o.Cog.Compression = "DEFLATE";
        o.ProductTypes["X"] = new ProductTypePreprocessing
        {
            Extractors = new() { ["platform"] = "'FIXED'" },
            DataFileGlobs = ["*.jp2"],
            Compression = "JPEG",
            Quality = 80,
            Georeference = new GeoreferenceOptions { Tps = true, TargetCrs = "EPSG:4326" },
        };

        var x = o.ResolveFor("X");
        Assert.Equal("'FIXED'", x.Extractors["platform"]);
        Assert.Equal(o.Extractors["identifier"], x.Extractors["identifier"]);
        Assert.Equal(["*.jp2"], x.DataFileGlobs);
        Assert.Equal(["*.xml"], x.MetadataGlobs);
        Assert.Equal("JPEG", x.Cog.Compression);
        Assert.Equal(80, x.Cog.Quality);
        Assert.Equal("EPSG:4326", x.TargetCrs);
        Assert.True(x.Georeference!.Tps);

        var other = o.ResolveFor("Y");
        Assert.Equal("DEFLATE", other.Cog.Compression);
        Assert.Equal("EPSG:3857", other.TargetCrs);
        Assert.Equal(["*.tif", "*.tiff"], other.DataFileGlobs);
        // The base options are not changed by resolving.
        Assert.Equal("DEFLATE", o.Cog.Compression);
    }

    [Fact]
    public void Configuration_replaces_lists_and_merges_maps()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Prism:Preprocessing:MetadataGlobs:0"] = "*_MTD.xml",
            ["Prism:Preprocessing:Extractors:platform"] = "//eop:Platform/eop:shortName",
            ["Prism:Preprocessing:Extractors:station"] = "//eop:acquisitionStation",
            ["Prism:Preprocessing:Namespaces:s2"] = "urn:s2",
            ["Prism:Preprocessing:ProductTypes:S2MSI1C:NoData"] = "0",
            ["Prism:Preprocessing:ProductTypes:S2MSI1C:Compression"] = "ZSTD",
            ["Prism:Preprocessing:Cog:BlockSize"] = "256",
            ["Prism:Preprocessing:Limits:MaxEntries"] = "50",
        }).Build();

        var o = PreprocessingOptions.FromConfiguration(config).EnsureValid();

        Assert.Equal(["*_MTD.xml"], o.MetadataGlobs);
        Assert.Equal(["*.tif", "*.tiff"], o.DataFileGlobs);
        Assert.Equal("//eop:Platform/eop:shortName", o.Extractors["platform"]);
        Assert.Equal("//eop:acquisitionStation", o.Extractors["station"]);
        Assert.True(o.Extractors.ContainsKey("identifier"));
        Assert.Equal("urn:s2", o.Namespaces["s2"]);
        Assert.Equal("http://www.opengis.net/eop/2.0", o.Namespaces["eop"]);
        Assert.Equal(0, o.ResolveFor("MER_FRS_1P").NoData);
        Assert.Equal("ZSTD", o.ResolveFor("S2MSI1C").Cog.Compression);
        Assert.Equal(256, o.Cog.BlockSize);
        Assert.Equal(50, o.Limits.ToArchiveLimits().MaxEntries);
    }

    [Fact]
    public void Loads_from_a_json_file_with_or_without_the_section()
    {
        const string bare = """
            { "DataFileGlobs": ["*.jp2"], "Cog": { "Compression": "LZW", "Quality": 90 },
              "ProductTypes": { "ASA_WSM_1P": { "Georeference": { "Order": 2, "Resampling": "CUBIC" } } } }
            """;
        var a = PreprocessingOptions.LoadJson(new MemoryStream(Encoding.UTF8.GetBytes(bare))).EnsureValid();
        Assert.Equal(["*.jp2"], a.DataFileGlobs);
        Assert.Equal("LZW", a.Cog.Compression);
        Assert.Equal(2, a.ResolveFor("ASA_WSM_1P").Georeference!.Order);

        using var folder = new TestFolder("options");
        var path = folder.Combine("preprocessing.json");
        File.WriteAllText(path, """{ "Prism": { "Preprocessing": { "MetadataGlobs": ["meta/*.xml"] } } }""");
        Assert.Equal(["meta/*.xml"], PreprocessingOptions.LoadJson(path).MetadataGlobs);
    }

    [Fact]
    public void The_validator_reports_every_problem()
    {
        var o = new PreprocessingOptions { MetadataGlobs = [], DataFileGlobs = ["../*.tif"], TargetCrs = "wgs84" };
        o.Extractors.Remove("identifier");
        o.Extractors["broken"] = "//eop:[";
        o.Extractors["unknownPrefix"] = "//zz:foo";
        o.Namespaces["1bad"] = "urn:x";
        o.Cog.BlockSize = 500;
        o.Cog.Compression = "RAR";
        o.Cog.Quality = 0;
        o.Cog.OverviewResampling = "blurry";
        o.Limits.MaxEntries = 0;
        o.ProductTypes["T"] = new ProductTypePreprocessing
        {
            Extractors = new() { ["beginTime"] = "" },
            Georeference = new GeoreferenceOptions { Order = 5, Tps = true, Resampling = "x" },
        };

        var errors = o.Validate();

        string[] expected =
        [
            "MetadataGlobs must name at least one glob",
            "DataFileGlobs[0] '../*.tif'",
            "Extractors.identifier is required",
            "Extractors.broken: invalid XPath",
            "Extractors.unknownPrefix: invalid XPath",
            "Namespaces: '1bad' is not a valid XML prefix",
            "TargetCrs 'wgs84' is not a CRS",
            "Cog.BlockSize must be a power of two",
            "Cog.Compression 'RAR'",
            "Cog.Quality must be between 1 and 100",
            "Cog.OverviewResampling 'blurry'",
            "Limits.MaxEntries must be positive",
            "ProductTypes.T.Extractors.beginTime cannot be disabled",
            "ProductTypes.T.Georeference.Order must be 0",
            "ProductTypes.T.Georeference.Resampling 'x'",
        ];
        foreach (var e in expected) Assert.Contains(errors, x => x.StartsWith(e, StringComparison.Ordinal));
        var ex = Assert.Throws<OptionsValidationException>(() => o.EnsureValid());
        Assert.Contains("Cog.BlockSize", ex.Message);
    }

    [Fact]
    public void Defaults_handle_every_sample_product()
    {
        var o = new PreprocessingOptions().EnsureValid();
        using var folder = new TestFolder("options-products");
        foreach (var archive in Directory.GetFiles(TestEnvironment.Products))
        {
            var package = SafeArchiveExtractor.Extract(archive, folder.Combine(Path.GetFileName(archive)), o.Limits.ToArchiveLimits());
            var m = MetadataExtractor.Extract(package.FindMetadataFile(o.MetadataGlobs), o);
            var resolved = o.ResolveFor(m.ProductType);
            Assert.NotEmpty(package.FindDataFiles(resolved.DataFileGlobs));
            Assert.NotNull(m.FootprintWkt);
            Assert.True(m.EndTime >= m.BeginTime);
        }
    }
}
