using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using Prism.Catalog;
using Prism.Coverages;
using Prism.Gateway.Ows;
using Prism.Ingestion;
using Prism.Products;
using Prism.Storage;

namespace Prism.Tests.Wcs;

/// <summary>
/// The real parts of the embedded profile: the SQLite catalog and file-system stores in a unique temp folder, the
/// five sample products ingested by the real <see cref="ProductPipeline"/> (unpack, EO-O&amp;M metadata, GDAL COG),
/// an in-process Orleans silo with the <see cref="CoverageGrain"/>, and the OWS endpoints (<c>MapPrismOws</c>, so the
/// WCS dispatch is the production one) in Kestrel on a free loopback port.
/// </summary>
public sealed class WcsServer : IAsyncLifetime
{
    public string Folder { get; } = TestEnvironment.TempFolder("wcs");
    public SqliteCatalog Catalog { get; private set; } = null!;
    public ObjectStores Stores { get; private set; } = null!;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";
    public string Ows => BaseUrl + "/ows";
    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromMinutes(2) };
    public IReadOnlyList<ProductRecord> Products { get; private set; } = [];
    private WebApplication? _app;

    /// <summary>Largest output side configured for the tests (to test the limit cheaply).</summary>
    public const int MaxSide = 2048;

    public async Task InitializeAsync()
    {
        Catalog = new SqliteCatalog(Path.Combine(Folder, "catalog.db"));
        await Catalog.MigrateAsync();
        Stores = new ObjectStores(new FileSystemObjectStore(Path.Combine(Folder, "input")), new FileSystemObjectStore(Path.Combine(Folder, "objects")));
        var wcsOptions = new CoverageOptions { MaxWidth = MaxSide, MaxHeight = MaxSide, MaxBytes = 64L * 1024 * 1024 };

        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<ICatalog>(Catalog);
            silo.Services.AddSingleton<IObjectStores>(Stores);
            silo.Services.Configure<IngestionOptions>(o => o.MaxParallelConversions = 2);
            silo.Services.AddSingleton<GdalWorkPool>();
            silo.Services.AddPrismWcs();
            silo.Services.Configure<CoverageOptions>(o => Copy(wcsOptions, o));
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();

        await IngestSamplesAsync();

        var web = WebApplication.CreateSlimBuilder();
        web.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        web.Logging.ClearProviders();
        web.Services.AddSingleton<ICatalog>(Catalog);
        web.Services.AddSingleton<IGrainFactory>(Cluster.Client);
        web.Services.AddPrismOws(web.Configuration);
        web.Services.AddPrismWcs();
        web.Services.Configure<CoverageOptions>(o => Copy(wcsOptions, o));
        _app = web.Build();
        _app.MapPrismOws();
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    private static void Copy(CoverageOptions from, CoverageOptions to)
    {
        to.MaxWidth = from.MaxWidth;
        to.MaxHeight = from.MaxHeight;
        to.MaxBytes = from.MaxBytes;
    }

    private async Task IngestSamplesAsync()
    {
        var work = Path.Combine(Folder, "work");
        Directory.CreateDirectory(work);
        var pipeline = new ProductPipeline(Stores, Catalog, new GdalWorkPool(Options.Create(new IngestionOptions { MaxParallelConversions = 2 })),
            Options.Create(new IngestionOptions { WorkDir = work }), Options.Create(new PreprocessingOptions()),
            Options.Create(new CollectionOptions()), NullLogger<ProductPipeline>.Instance);
        var products = new List<ProductRecord>();
        foreach (var archive in Directory.GetFiles(TestEnvironment.Products).Order())
        {
            var name = Path.GetFileName(archive);
            var key = name.EndsWith(".tar.gz", StringComparison.Ordinal) ? name[..^7] : Path.GetFileNameWithoutExtension(name);
            await Stores.Input.PutFileAsync($"incoming/{name}", archive);
            var manifest = await pipeline.PreprocessAsync(key, new IngestRequest { Kind = IngestKind.Package, Payload = $"incoming/{name}", Source = "test" }, default);
            products.Add(await pipeline.RegisterAsync(key, new IngestRequest { Kind = IngestKind.RegisterPrefix, Payload = manifest.Prefix!, Source = "test" }, default));
        }
        // A projected coverage: the first MERIS raster warped to UTM 34N (1 km cells), product type UTM_TEST.
        var projected = await MakeProjectedPackageAsync(work);
        await Stores.Input.PutFileAsync("incoming/UTM_TEST.tar", projected);
        var utm = await pipeline.PreprocessAsync("UTM_TEST", new IngestRequest { Kind = IngestKind.Package, Payload = "incoming/UTM_TEST.tar", Source = "test" }, default);
        products.Add(await pipeline.RegisterAsync("UTM_TEST", new IngestRequest { Kind = IngestKind.RegisterPrefix, Payload = utm.Prefix!, Source = "test" }, default));
        Products = products;
    }

    /// <summary>The identifier of the projected (EPSG:32634) product.</summary>
    public const string ProjectedId = "UTM_TEST_20060816";

    private static async Task<string> MakeProjectedPackageAsync(string work)
    {
        var dir = Directory.CreateDirectory(Path.Combine(work, "utm-package")).FullName;
        var source = Directory.GetFiles(TestEnvironment.Products, "MER_FRS_1P_RGB_20060816*.tar").Single();
        var unpacked = Directory.CreateDirectory(Path.Combine(work, "utm-source")).FullName;
        await System.Formats.Tar.TarFile.ExtractToDirectoryAsync(source, unpacked, overwriteFiles: true);
        var tif = Directory.GetFiles(unpacked, "*.tif").Single();
        var utm = Path.Combine(dir, $"{ProjectedId}.tif");
        await Cli.OkAsync("gdalwarp", ["-q", "-t_srs", "EPSG:32634", "-tr", "1000", "1000", "-r", "near", "-srcnodata", "0", "-dstnodata", "0", tif, utm]);
        using var info = System.Text.Json.JsonDocument.Parse(await Cli.OkAsync("gdalinfo", ["-json", utm]));
        var ring = info.RootElement.GetProperty("wgs84Extent").GetProperty("coordinates")[0].EnumerateArray()
            .Select(p => $"{p[1].GetDouble().ToString("R", CultureInfo.InvariantCulture)} {p[0].GetDouble().ToString("R", CultureInfo.InvariantCulture)}");
        await File.WriteAllTextAsync(Path.Combine(dir, $"{ProjectedId}.xml"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <eop:EarthObservation xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:eop="http://www.opengis.net/eop/2.0"
                xmlns:om="http://www.opengis.net/om/2.0" gml:id="eop_1">
              <om:phenomenonTime><gml:TimePeriod gml:id="tp_1">
                <gml:beginPosition>2006-08-16T09:09:29Z</gml:beginPosition><gml:endPosition>2006-08-16T09:12:46Z</gml:endPosition>
              </gml:TimePeriod></om:phenomenonTime>
              <om:procedure><eop:EarthObservationEquipment gml:id="equ_1">
                <eop:platform><eop:Platform><eop:shortName>ENVISAT</eop:shortName></eop:Platform></eop:platform>
                <eop:instrument><eop:Instrument><eop:shortName>MERIS</eop:shortName></eop:Instrument></eop:instrument>
                <eop:sensor><eop:Sensor><eop:sensorType>OPTICAL</eop:sensorType></eop:Sensor></eop:sensor>
              </eop:EarthObservationEquipment></om:procedure>
              <om:featureOfInterest><eop:Footprint gml:id="fp_1"><eop:multiExtentOf>
                <gml:MultiSurface gml:id="ms_1" srsName="EPSG:4326"><gml:surfaceMember><gml:Polygon gml:id="p_1">
                  <gml:exterior><gml:LinearRing><gml:posList>{string.Join(' ', ring)}</gml:posList></gml:LinearRing></gml:exterior>
                </gml:Polygon></gml:surfaceMember></gml:MultiSurface>
              </eop:multiExtentOf></eop:Footprint></om:featureOfInterest>
              <eop:metaDataProperty><eop:EarthObservationMetaData>
                <eop:identifier>{ProjectedId}</eop:identifier>
                <eop:acquisitionType>NOMINAL</eop:acquisitionType>
                <eop:productType>UTM_TEST</eop:productType>
                <eop:status>ACQUIRED</eop:status>
              </eop:EarthObservationMetaData></eop:metaDataProperty>
            </eop:EarthObservation>
            """);
        var tar = Path.Combine(work, "UTM_TEST.tar");
        await System.Formats.Tar.TarFile.CreateFromDirectoryAsync(dir, tar, includeBaseDirectory: false);
        return tar;
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        try { await Cluster.DisposeAsync(); } catch (Exception) { /* best effort */ }
        Stores?.Dispose();
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public Task<HttpResponseMessage> GetAsync(string query) => Http.GetAsync($"{Ows}?{query}");

    public async Task<byte[]> GetBytesAsync(string query, int status = 200)
    {
        using var r = await GetAsync(query);
        var body = await r.Content.ReadAsByteArrayAsync();
        Assert.True((int)r.StatusCode == status, $"HTTP {(int)r.StatusCode} for {query}: {System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(600, body.Length)))}");
        return body;
    }

    /// <summary>The COG of a coverage as a local path.</summary>
    public string CogPath(CoverageRecord c) => Stores.Output.GdalPath(c.Location);
}

[CollectionDefinition(Name)]
public sealed class WcsCollection : ICollectionFixture<WcsServer>
{
    public const string Name = "wcs server";
}

/// <summary>Command-line tools the tests check with (GDAL, xmllint, python3 with OWSLib).</summary>
public static class Cli
{
    public static async Task<(int Code, string Out, string Err)> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? stdin = null)
    {
        var info = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null, UseShellExecute = false };
        if (env is not null) foreach (var (k, v) in env) info.Environment[k] = v;
        using var p = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {file}");
        if (stdin is not null)
        {
            await p.StandardInput.WriteAsync(stdin);
            p.StandardInput.Close();
        }
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await o, await e);
    }

    public static async Task<string> OkAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null, string? stdin = null)
    {
        var (code, o, e) = await RunAsync(file, args, env, stdin);
        Assert.True(code == 0, $"{file} {string.Join(' ', args)} failed ({code}): {e}\n{o}");
        return o;
    }

    public static string SchemaDir
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(TestEnvironment.SharedData, "..", "ogc", "schemas"));
            Assert.True(File.Exists(Path.Combine(dir, "catalog.xml")), $"OGC schemas not found at {dir}");
            return dir;
        }
    }

    /// <summary>xmllint --schema against the local OGC schemas (XML catalog, no network); fails with its messages.</summary>
    public static async Task ValidateAsync(byte[] xml, string schemaUnderOgc, string name)
    {
        var dir = SchemaDir;
        var file = Path.Combine(Path.GetTempPath(), $"wcs-{name}-{Guid.NewGuid():N}.xml");
        await File.WriteAllBytesAsync(file, xml);
        try
        {
            var (code, _, err) = await RunAsync("xmllint", ["--noout", "--nonet", "--schema", Path.Combine(dir, "ogc", schemaUnderOgc), file],
                new Dictionary<string, string> { ["XML_CATALOG_FILES"] = Path.Combine(dir, "catalog.xml") });
            var errors = err.Split('\n').Where(l => l.Contains("error", StringComparison.OrdinalIgnoreCase) || l.Contains("fails", StringComparison.Ordinal)).ToList();
            Assert.True(code == 0, $"{name} is not valid against {schemaUnderOgc}:\n{string.Join('\n', errors.Take(15))}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    public static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
