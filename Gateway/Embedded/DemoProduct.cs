using System.Formats.Tar;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Options;
using Prism.Gdal;
using Prism.Queues;
using Prism.Silo.Hosting;
using Prism.Storage;

namespace Prism.Gateway.Embedded;

/// <summary>
/// On the first start of the embedded profile, makes a small RGB product of its own (GeoTIFF + EO-O&amp;M metadata,
/// tarred like a PVS package) and queues it, so a newcomer has something in the catalog within seconds.
/// </summary>
public sealed class DemoProduct(
    IObjectStores stores,
    IQueueBroker broker,
    IOptions<QueueNames> names,
    IOptions<PrismOptions> prism,
    ILogger<DemoProduct> log) : BackgroundService
{
    public const string Name = "PRISM_DEMO_RGB_20240101";

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var marker = Path.Combine(prism.Value.FullDataDir, "demo-product.queued");
        if (File.Exists(marker)) return;
        var work = Path.Combine(prism.Value.FullDataDir, "work", $"demo-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(work, "package"));
        try
        {
            await Task.Run(() => WriteRaster(Path.Combine(work, "package", Name + ".tif")), stop);
            await File.WriteAllTextAsync(Path.Combine(work, "package", Name + ".xml"), Metadata, stop);
            var tar = Path.Combine(work, Name + ".tar");
            await TarFile.CreateFromDirectoryAsync(Path.Combine(work, "package"), tar, includeBaseDirectory: false, stop);
            var key = $"demo/{Name}.tar";
            await stores.Input.PutFileAsync(key, tar, "application/x-tar", stop);
            await broker.PushAsync(names.Value.Preprocess, key, stop);
            await File.WriteAllTextAsync(marker, DateTimeOffset.UtcNow.ToString("O"), stop);
            log.LogInformation("Queued the demo product {Name}", Name);
        }
        catch (Exception e) when (!stop.IsCancellationRequested)
        {
            log.LogWarning(e, "Could not create the demo product");
        }
        finally
        {
            try { Directory.Delete(work, true); } catch (IOException) { }
        }
    }

    /// <summary>A 512×512 RGB gradient over 5–15°E, 40–50°N with a black (nodata) border.</summary>
    private static void WriteRaster(string path)
    {
        const int size = 512;
        var pixels = new byte[3 * size * size];
        for (var y = 0; y < size; y++)
        for (var x = 0; x < size; x++)
        {
            var i = y * size + x;
            var inside = x is >= 16 and < size - 16 && y is >= 16 and < size - 16;
            pixels[i] = inside ? (byte)(30 + x * 200 / size) : (byte)0;
            pixels[size * size + i] = inside ? (byte)(30 + y * 200 / size) : (byte)0;
            pixels[2 * size * size + i] = inside ? (byte)(((x / 32 + y / 32) % 2) * 120 + 60) : (byte)0;
        }
        GdalRuntime.EnsureInitialized();
        var handle = GCHandle.Alloc(pixels, GCHandleType.Pinned);
        try
        {
            var source = $"MEM:::DATAPOINTER={handle.AddrOfPinnedObject()},PIXELS={size},LINES={size},BANDS=3,DATATYPE=Byte," +
                         $"PIXELOFFSET=1,LINEOFFSET={size},BANDOFFSET={size * size}";
            GdalUtils.Translate(source, path,
                ["-of", "GTiff", "-a_srs", "EPSG:4326", "-a_ullr", "5", "50", "15", "40", "-a_nodata", "0", "-co", "COMPRESS=DEFLATE"]);
        }
        finally
        {
            handle.Free();
        }
    }

    private const string Metadata = """
        <?xml version="1.0" encoding="utf-8"?>
        <eop:EarthObservation xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:eop="http://www.opengis.net/eop/2.0"
            xmlns:om="http://www.opengis.net/om/2.0" gml:id="eop_PRISM_DEMO_RGB_20240101">
          <om:phenomenonTime>
            <gml:TimePeriod gml:id="tp_PRISM_DEMO_RGB_20240101">
              <gml:beginPosition>2024-01-01T10:00:00Z</gml:beginPosition>
              <gml:endPosition>2024-01-01T10:05:00Z</gml:endPosition>
            </gml:TimePeriod>
          </om:phenomenonTime>
          <om:procedure>
            <eop:EarthObservationEquipment gml:id="equ_PRISM_DEMO_RGB_20240101">
              <eop:platform><eop:Platform><eop:shortName>PRISM</eop:shortName></eop:Platform></eop:platform>
              <eop:instrument><eop:Instrument><eop:shortName>DEMO</eop:shortName></eop:Instrument></eop:instrument>
              <eop:sensor><eop:Sensor><eop:sensorType>OPTICAL</eop:sensorType></eop:Sensor></eop:sensor>
            </eop:EarthObservationEquipment>
          </om:procedure>
          <om:featureOfInterest>
            <eop:Footprint gml:id="footprint_PRISM_DEMO_RGB_20240101">
              <eop:multiExtentOf>
                <gml:MultiSurface gml:id="ms_PRISM_DEMO_RGB_20240101" srsName="EPSG:4326">
                  <gml:surfaceMember>
                    <gml:Polygon gml:id="poly_PRISM_DEMO_RGB_20240101">
                      <gml:exterior><gml:LinearRing><gml:posList>40 5 40 15 50 15 50 5 40 5</gml:posList></gml:LinearRing></gml:exterior>
                    </gml:Polygon>
                  </gml:surfaceMember>
                </gml:MultiSurface>
              </eop:multiExtentOf>
            </eop:Footprint>
          </om:featureOfInterest>
          <eop:metaDataProperty>
            <eop:EarthObservationMetaData>
              <eop:identifier>PRISM_DEMO_RGB_20240101</eop:identifier>
              <eop:acquisitionType>NOMINAL</eop:acquisitionType>
              <eop:productType>PRISM_DEMO_RGB</eop:productType>
              <eop:status>ARCHIVED</eop:status>
            </eop:EarthObservationMetaData>
          </eop:metaDataProperty>
        </eop:EarthObservation>
        """;
}
