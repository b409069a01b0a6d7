using System.Collections.Concurrent;
using System.Security.Cryptography;
using Prism.Gateway.Ows;
using Prism.Maps;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Prism.Ows.Tests;

/// <summary>
/// An in-test <see cref="IMapBackend"/>: a MERIS collection (three products, RGB style and outlines) and a SAR
/// collection (one product, grey style). Images are small gradients of lon/lat (so axis order and time are visible):
/// red follows longitude, green latitude, blue the product (time). Tiles are cached in memory after the first render.
/// </summary>
public sealed class FakeMapBackend : IMapBackend
{
    public static readonly string[] MerisTimes =
    [
        "2020-01-01T00:00:00Z/2020-01-01T12:00:00Z",
        "2020-02-01T00:00:00Z/2020-02-01T12:00:00Z",
        "2020-03-01T00:00:00Z/2020-03-01T12:00:00Z",
    ];
    public static readonly string[] SarTimes = ["2019-06-01T10:00:00Z/2019-06-01T10:05:00Z"];

    private static readonly StyleDefinition TrueColor = new() { Name = "TRUE_COLOR", Title = "True colour", Bands = [1, 2, 3] };
    private static readonly StyleDefinition Grey = new() { Name = "GREY", Title = "Grey", Bands = [1] };
    private static readonly StyleDefinition Default = new() { Name = "default", Bands = [1] };

    public IReadOnlyList<LayerDescription> Layers { get; } =
    [
        new() { Name = "MERIS", Title = "MERIS RGB", Collection = "MERIS", Styles = [TrueColor], Wgs84BoundingBox = [-20, 30, 40, 70],
                TimeValues = MerisTimes, DefaultTime = MerisTimes[^1] },
        new() { Name = "MERIS__TRUE_COLOR", Title = "MERIS true colour", Collection = "MERIS", Styles = [TrueColor], Wgs84BoundingBox = [-20, 30, 40, 70],
                TimeValues = MerisTimes, DefaultTime = MerisTimes[^1] },
        new() { Name = "MERIS__outlines", Title = "MERIS outlines", Collection = "MERIS", Styles = [Default], IsOutlines = true,
                Wgs84BoundingBox = [-20, 30, 40, 70], TimeValues = MerisTimes, DefaultTime = MerisTimes[^1] },
        new() { Name = "SAR", Title = "SAR grey", Collection = "SAR", Styles = [Grey], Wgs84BoundingBox = [5, 40, 15, 50],
                TimeValues = SarTimes, DefaultTime = SarTimes[0] },
    ];

    private readonly ConcurrentDictionary<string, EncodedImage> _tiles = new();
    public int TileRenders;
    public int MapRenders;
    public TileQuery? LastTile;
    public MapQuery? LastMap;

    public Task<IReadOnlyList<LayerDescription>> GetLayersAsync(CancellationToken ct = default) => Task.FromResult(Layers);

    public Task<EncodedImage> GetTileAsync(TileQuery query, CancellationToken ct = default)
    {
        LastTile = query;
        var layer = Resolve(query.Layer, query.Style);
        var t = TimeIndex(layer, query.Time);
        var tms = TileMatrixSet.Find(query.TileMatrixSet)!;
        var key = $"{query.Layer}/{query.Style}/{tms.Identifier}/{t}/{query.Zoom}/{query.Col}/{query.Row}.{query.Format}";
        if (_tiles.TryGetValue(key, out var cached))
            return Task.FromResult(new EncodedImage { Data = cached.Data, ContentType = cached.ContentType, ETag = cached.ETag, Source = "memory" });
        Interlocked.Increment(ref TileRenders);
        var (minX, minY, maxX, maxY) = tms.TileBounds(query.Zoom, query.Col, query.Row);
        var image = Render(tms.IsGeographic ? "EPSG:4326" : "EPSG:3857", [minX, minY, maxX, maxY], tms.TileSize, tms.TileSize, t, query.Format, transparent: true, 0);
        _tiles[key] = image;
        return Task.FromResult(image);
    }

    public Task<EncodedImage> GetMapAsync(MapQuery query, CancellationToken ct = default)
    {
        LastMap = query;
        Interlocked.Increment(ref MapRenders);
        var layer = Resolve(query.Layers[0], query.Styles.Count > 0 ? query.Styles[0] : null);
        var t = TimeIndex(layer, query.Time);
        return Task.FromResult(Render(query.Crs, query.Bbox, query.Width, query.Height, t, query.Format, query.Transparent, query.Background));
    }

    private LayerDescription Resolve(string name, string? style)
    {
        var layer = Layers.FirstOrDefault(l => l.Name == name) ?? throw new MapRequestException("LayerNotDefined", $"no layer {name}", "layer");
        if (!string.IsNullOrEmpty(style) && style != "default" && layer.Styles.All(s => s.Name != style))
            throw new MapRequestException("StyleNotDefined", $"no style {style}", "style");
        return layer;
    }

    private static int TimeIndex(LayerDescription layer, string? time)
    {
        if (time is null) return layer.TimeValues.Count - 1;
        for (var i = layer.TimeValues.Count - 1; i >= 0; i--)
            if (OwsTime.Intersects(time, [layer.TimeValues[i]])) return i;
        throw new MapRequestException("InvalidDimensionValue", $"no product at {time}", "time");
    }

    /// <summary>Red = longitude, green = latitude, blue = product index; transparent outside the layer's 0–255 range.</summary>
    private static EncodedImage Render(string crs, double[] box, int width, int height, int t, ImageFormat format, bool transparent, int background)
    {
        using var img = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
            {
                var px = box[0] + (x + 0.5) * (box[2] - box[0]) / width;
                var py = box[3] - (y + 0.5) * (box[3] - box[1]) / height;
                double lon = px, lat = py;
                if (crs == "EPSG:3857")
                {
                    lon = px / 6378137.0 * 180 / Math.PI;
                    lat = (2 * Math.Atan(Math.Exp(py / 6378137.0)) - Math.PI / 2) * 180 / Math.PI;
                }
                img[x, y] = new Rgba32((byte)Math.Clamp((lon + 180) / 360 * 255, 0, 255), (byte)Math.Clamp((lat + 90) / 180 * 255, 0, 255),
                    (byte)(60 + 60 * t), 255);
            }
        using var ms = new MemoryStream();
        if (format == ImageFormat.Png) img.SaveAsPng(ms); else img.SaveAsJpeg(ms);
        var data = ms.ToArray();
        return new EncodedImage { Data = data, ContentType = format.ContentType(), ETag = "\"" + Convert.ToHexStringLower(SHA256.HashData(data))[..24] + "\"", Source = "rendered" };
    }
}
