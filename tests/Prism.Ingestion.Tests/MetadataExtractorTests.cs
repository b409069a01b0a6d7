using System.Text;
using Prism.Ingestion;
using Prism.Ingestion.Geometry;

namespace Prism.Tests;

public sealed class MetadataExtractorTests : IDisposable
{
    private readonly TestFolder _tmp = new("metadata");
    private readonly PreprocessingOptions _options = new();

    public void Dispose() => _tmp.Dispose();

    private ExtractedPackage Unpack(string path) =>
        SafeArchiveExtractor.Extract(path, _tmp.Combine(Guid.NewGuid().ToString("N")), ArchiveLimits.Default);

    private ProductMetadata FromProduct(string archive)
    {
        var package = Unpack(Path.Combine(TestEnvironment.Products, archive));
        return MetadataExtractor.Extract(package.FindMetadataFile(_options.MetadataGlobs), _options);
    }

    private static ProductMetadata FromXml(string xml, PreprocessingOptions? options = null) =>
        MetadataExtractor.Extract(new MemoryStream(Encoding.UTF8.GetBytes(xml)), options ?? new PreprocessingOptions(), "test.xml");

    private static string MerisXml()
    {
        using var tar = new System.Formats.Tar.TarReader(File.OpenRead(Path.Combine(TestEnvironment.Products, "MER_FRS_1P_RGB_20060816_090929.tar")));
        while (tar.GetNextEntry() is { } e)
        {
            if (!e.Name.EndsWith(".xml", StringComparison.Ordinal)) continue;
            using var r = new StreamReader(e.DataStream!);
            return r.ReadToEnd();
        }
        throw new InvalidOperationException("no xml");
    }

    [Fact]
    public void Meris_20060816()
    {
        var m = FromProduct("MER_FRS_1P_RGB_20060816_090929.tar");
        Assert.Equal("mosaic_MER_FRS_1PNPDE20060816_090929_000001972050_00222_23322_0058_RGB_reduced", m.Identifier);
        Assert.Equal("MER_FRS_1P", m.ProductType);
        Assert.Equal(new DateTimeOffset(2006, 8, 16, 9, 9, 29, TimeSpan.Zero), m.BeginTime);
        Assert.Equal(new DateTimeOffset(2006, 8, 16, 9, 12, 46, TimeSpan.Zero), m.EndTime);
        Assert.Equal(TimeSpan.Zero, m.BeginTime.Offset);
        Assert.Equal("ENVISAT", m.Platform);
        Assert.Equal("MERIS", m.Instrument);
        Assert.Equal("OPTICAL", m.SensorType);
        Assert.Equal("NOMINAL", m.AcquisitionType);
        Assert.Equal("ARCHIVED", m.Status);
        Assert.Equal("PDHS-E", m.ProcessingCenter);
        Assert.Null(m.CloudCover);
        Assert.Null(m.OrbitNumber);

        // posList "46.216558117161831 14.322575965570632 …" is lat lon: the WKT is lon lat, ring closed.
        Assert.StartsWith("MULTIPOLYGON(((14.32257596557063", m.FootprintWkt);
        var ring = Rings(m.FootprintWkt!).Single();
        Assert.Equal(47, ring.Count); // 47 positions in the posList, first = last
        Assert.Equal(ring[0], ring[^1]);
        Assert.Equal(14.322575965570632, ring[0].Lon, 12);
        Assert.Equal(46.216558117161831, ring[0].Lat, 12);
        var b = Footprint.Bounds(m.FootprintWkt!);
        Assert.Equal(11.648344319329102, b.MinLon, 9);
        Assert.Equal(27.968590771844294, b.MaxLon, 9);
        Assert.Equal(32.269745756399814, b.MinLat, 9);
        Assert.Equal(46.216558117161831, b.MaxLat, 9);
    }

    [Fact]
    public void Meris_20060822_and_20060830()
    {
        var a = FromProduct("MER_FRS_1P_RGB_20060822_092058.tar");
        Assert.Equal("mosaic_MER_FRS_1PNPDE20060822_092058_000001972050_00308_23408_0077_RGB_reduced", a.Identifier);
        Assert.Equal("MER_FRS_1P", a.ProductType);
        Assert.Equal(DateTimeOffset.Parse("2006-08-22T09:20:58Z"), a.BeginTime);
        Assert.Equal(DateTimeOffset.Parse("2006-08-22T09:24:15Z"), a.EndTime);
        Assert.StartsWith("MULTIPOLYGON(((11.452164999301536 46.215382038266426,", a.FootprintWkt);

        var c = FromProduct("MER_FRS_1P_RGB_20060830_100949.tar");
        Assert.Equal("mosaic_MER_FRS_1PNPDE20060830_100949_000001972050_00423_23523_0079_RGB_reduced", c.Identifier);
        Assert.Equal(DateTimeOffset.Parse("2006-08-30T10:09:49Z"), c.BeginTime);
        Assert.Equal(DateTimeOffset.Parse("2006-08-30T10:13:06Z"), c.EndTime);
        Assert.StartsWith("MULTIPOLYGON(((-0.76977182361738 46.218445404185523,", c.FootprintWkt!.Replace("46.21844540418552,", "46.218445404185523,"));
    }

    [Fact]
    public void Asar_with_fractional_seconds()
    {
        var m = FromProduct("ASA_WSM_1P_20050331.tar.gz");
        Assert.Equal("ASA_WSM_1PNDPA20050331_075939_000000552036_00035_16121_0775", m.Identifier);
        Assert.Equal("ASA_WSM_1P", m.ProductType);
        Assert.Equal(new DateTimeOffset(2005, 3, 31, 7, 59, 36, 409, TimeSpan.Zero), m.BeginTime);
        Assert.Equal(new DateTimeOffset(2005, 3, 31, 8, 0, 36, 342, TimeSpan.Zero), m.EndTime);
        Assert.Equal("ASAR", m.Instrument);
        Assert.Equal("RADAR", m.SensorType);
        var ring = Rings(m.FootprintWkt!).Single();
        Assert.Equal(new LonLat(22.302402, -33.038045), ring[0]);
        Assert.Equal(15, ring.Count);
    }

    [Fact]
    public void World_footprint_stays_one_valid_polygon()
    {
        var m = FromProduct("WORLD_RGB_20200101.zip");
        Assert.Equal("WORLD_RGB_20200101", m.Identifier);
        Assert.Equal("WORLD_RGB", m.ProductType);
        Assert.Equal(DateTimeOffset.Parse("2020-01-01T00:00:00Z"), m.BeginTime);
        Assert.Equal(DateTimeOffset.Parse("2020-01-31T23:59:59Z"), m.EndTime);
        Assert.Equal("MULTIPOLYGON(((-180 -90,180 -90,180 90,-180 90,-180 -90)))", m.FootprintWkt);
    }

    [Fact]
    public void Xxe_metadata_is_rejected_naming_the_dtd()
    {
        var package = Unpack(Path.Combine(TestEnvironment.BadInputs, "xxe-metadata.tar"));
        var ex = Assert.Throws<PermanentIngestException>(() => MetadataExtractor.Extract(package.FindMetadataFile(_options.MetadataGlobs), _options));
        Assert.StartsWith("metadata 'XXE_1.xml' is rejected: it contains a DTD", ex.Message);
        Assert.Contains("XXE", ex.Message);
        Assert.DoesNotContain("root:", ex.Message);
    }

    [Fact]
    public void Entity_expansion_bombs_are_rejected()
    {
        const string xml = """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><r>&lol2;</r>""";
        Assert.Contains("DTD", Assert.Throws<PermanentIngestException>(() => FromXml(xml)).Message);
    }

    [Fact]
    public void Invalid_time_fails_naming_the_value()
    {
        var package = Unpack(Path.Combine(TestEnvironment.BadInputs, "invalid-time.tar"));
        var ex = Assert.Throws<PermanentIngestException>(() => MetadataExtractor.Extract(package.FindMetadataFile(_options.MetadataGlobs), _options));
        Assert.StartsWith("invalid beginTime 'yesterday-ish'", ex.Message);
    }

    [Fact]
    public void End_before_begin_fails()
    {
        var xml = MerisXml().Replace("<gml:endPosition>2006-08-16T09:12:46Z", "<gml:endPosition>2006-08-16T09:00:00Z");
        Assert.Contains("is before beginTime", Assert.Throws<PermanentIngestException>(() => FromXml(xml)).Message);
    }

    [Theory]
    [InlineData("<eop:identifier>mosaic_MER_FRS_1PNPDE20060816_090929_000001972050_00222_23322_0058_RGB_reduced</eop:identifier>", "missing identifier")]
    [InlineData("<eop:productType>MER_FRS_1P</eop:productType>", "missing productType")]
    [InlineData("<gml:beginPosition>2006-08-16T09:09:29Z</gml:beginPosition>", "missing beginTime")]
    [InlineData("<gml:endPosition>2006-08-16T09:12:46Z</gml:endPosition>", "missing endTime")]
    public void Missing_required_fields_are_named(string element, string message)
    {
        var xml = MerisXml().Replace(element, "");
        Assert.Equal(message, Assert.Throws<PermanentIngestException>(() => FromXml(xml)).Message);
    }

    [Theory]
    [InlineData("2006-08-16T09:09:29.123456Z", "2006-08-16T09:09:29.1234560+00:00")]
    [InlineData("2006-08-16T11:09:29+02:00", "2006-08-16T09:09:29.0000000+00:00")]
    [InlineData("2006-08-16T09:09:29", "2006-08-16T09:09:29.0000000+00:00")]
    public void Times_are_iso8601_normalised_to_utc(string text, string expected)
    {
        var xml = MerisXml().Replace("2006-08-16T09:09:29Z</gml:beginPosition>", text + "</gml:beginPosition>");
        Assert.Equal(expected, FromXml(xml).BeginTime.ToString("o"));
    }

    [Theory]
    [InlineData("16/08/2006 09:09")]
    [InlineData("2006-13-16T09:09:29Z")]
    [InlineData("Aug 16 2006")]
    public void Non_iso_times_are_invalid(string text)
    {
        var xml = MerisXml().Replace("2006-08-16T09:09:29Z</gml:beginPosition>", text + "</gml:beginPosition>");
        Assert.StartsWith($"invalid beginTime '{text}'", Assert.Throws<PermanentIngestException>(() => FromXml(xml)).Message);
    }

    [Fact]
    public void Malformed_xml_fails()
    {
        Assert.StartsWith("metadata 'test.xml' is not well-formed XML", Assert.Throws<PermanentIngestException>(() => FromXml("<a><b></a>")).Message);
    }

    [Fact]
    public void Oversized_metadata_fails()
    {
        var options = new PreprocessingOptions { Limits = { MaxMetadataBytes = 1000 } };
        var ex = Assert.Throws<PermanentIngestException>(() => FromXml(MerisXml(), options));
        Assert.Contains("limit of 1000 bytes", ex.Message);

        var path = _tmp.Combine("big.xml");
        File.WriteAllText(path, MerisXml());
        Assert.Contains("more than the limit of 1000 bytes", Assert.Throws<PermanentIngestException>(() => MetadataExtractor.Extract(path, options)).Message);
    }

    [Fact]
    public void Identifiers_that_could_escape_a_path_are_refused()
    {
        var xml = MerisXml().Replace(">mosaic_MER_FRS_1PNPDE20060816_090929_000001972050_00222_23322_0058_RGB_reduced</eop:identifier>", ">../../etc</eop:identifier>");
        Assert.Contains("identifier '../../etc' contains a character that is not allowed", Assert.Throws<PermanentIngestException>(() => FromXml(xml)).Message);
    }

    [Fact]
    public void Optical_and_sar_roots_with_cloud_cover_and_orbit_are_read()
    {
        const string xml = """
            <opt:EarthObservation xmlns:opt="http://www.opengis.net/opt/2.0" xmlns:eop="http://www.opengis.net/eop/2.0"
                xmlns:om="http://www.opengis.net/om/2.0" xmlns:gml="http://www.opengis.net/gml/3.2">
              <om:phenomenonTime><gml:TimePeriod><gml:beginPosition>2020-05-01T10:00:00Z</gml:beginPosition><gml:endPosition>2020-05-01T10:00:05.5Z</gml:endPosition></gml:TimePeriod></om:phenomenonTime>
              <om:procedure><eop:EarthObservationEquipment>
                <eop:acquisitionParameters><eop:Acquisition><eop:orbitNumber>12345</eop:orbitNumber><eop:orbitDirection>DESCENDING</eop:orbitDirection></eop:Acquisition></eop:acquisitionParameters>
              </eop:EarthObservationEquipment></om:procedure>
              <om:result><opt:EarthObservationResult><opt:cloudCoverPercentage>12.5</opt:cloudCoverPercentage></opt:EarthObservationResult></om:result>
              <eop:metaDataProperty><eop:EarthObservationMetaData>
                <eop:identifier>S2_TEST</eop:identifier><eop:productType>S2MSI1C</eop:productType>
                <eop:processing><eop:ProcessingInformation><eop:processingLevel>L1C</eop:processingLevel></eop:ProcessingInformation></eop:processing>
              </eop:EarthObservationMetaData></eop:metaDataProperty>
            </opt:EarthObservation>
            """;
        var m = FromXml(xml);
        Assert.Equal("S2_TEST", m.Identifier);
        Assert.Equal(12.5, m.CloudCover);
        Assert.Equal(12345, m.OrbitNumber);
        Assert.Equal("DESCENDING", m.OrbitDirection);
        Assert.Equal("L1C", m.Level);
        Assert.Null(m.FootprintWkt);
        Assert.Equal(5.5, (m.EndTime - m.BeginTime).TotalSeconds);
    }

    [Fact]
    public void Product_type_overrides_and_custom_extractors_apply()
    {
        var options = new PreprocessingOptions();
        options.Extractors["acquisitionStation"] = "/*/eop:metaDataProperty/eop:EarthObservationMetaData/eop:downlinkedTo/eop:DownlinkInformation/eop:acquisitionStation";
        options.ProductTypes["MER_FRS_1P"] = new ProductTypePreprocessing
        {
            Extractors = new() { ["platform"] = "concat(//eop:Platform/eop:shortName, '-', //eop:Instrument/eop:shortName)" },
        };
        var m = FromXml(MerisXml(), options);
        Assert.Equal("ENVISAT-MERIS", m.Platform);
        Assert.Equal("PDHS-E", m.Properties["acquisitionStation"]);
    }

    internal static List<List<LonLat>> Rings(string wkt)
    {
        Assert.StartsWith("MULTIPOLYGON(((", wkt);
        return wkt["MULTIPOLYGON(((".Length..^3].Split(")),((")
            .Select(r => r.Split(',').Select(p =>
            {
                var xy = p.Split(' ');
                return new LonLat(double.Parse(xy[0], System.Globalization.CultureInfo.InvariantCulture), double.Parse(xy[1], System.Globalization.CultureInfo.InvariantCulture));
            }).ToList()).ToList();
    }
}
