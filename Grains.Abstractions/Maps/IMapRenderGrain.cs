namespace Prism.Maps;

/// <summary>
/// Renders maps on the fly (WMS GetMap, not cached), like EOxServer/MapServer behind MapCache. A stateless worker:
/// the runtime runs as many activations per silo as there is load (up to the CPU count), GDAL work runs off the
/// grain scheduler on the silo's work pool. Key: always 0.
/// </summary>
public interface IMapRenderGrain : IGrainWithIntegerKey
{
    /// <summary>Renders the parts (bottom first) on one canvas. One part is returned as rendered; several are
    /// composited in order.</summary>
    Task<EncodedImage> RenderAsync(MapRenderRequest request);
}

/// <summary>A map of one or more layers on the same grid.</summary>
[GenerateSerializer, Immutable]
public sealed record MapRenderRequest
{
    /// <summary>Bottom layer first.</summary>
    [Id(0)] public required IReadOnlyList<MapPart> Parts { get; init; }
    [Id(1)] public required string Crs { get; init; }
    [Id(2)] public required double[] Extent { get; init; }
    [Id(3)] public required int Width { get; init; }
    [Id(4)] public required int Height { get; init; }
    [Id(5)] public ImageFormat Format { get; init; } = ImageFormat.Png;
    [Id(6)] public bool Transparent { get; init; } = true;
    /// <summary>0xRRGGBB.</summary>
    [Id(7)] public int Background { get; init; } = 0xFFFFFF;
}

/// <summary>One layer of a map: a raster (<see cref="Raster"/>) or footprint outlines (<see cref="Outlines"/>).</summary>
[GenerateSerializer, Immutable]
public sealed record MapPart
{
    [Id(0)] public RenderSpec? Raster { get; init; }
    /// <summary>Footprints (WKT, lon/lat) drawn as outlines.</summary>
    [Id(1)] public IReadOnlyList<string>? Outlines { get; init; }
    /// <summary>Outline colour 0xRRGGBBAA.</summary>
    [Id(2)] public uint OutlineColor { get; init; } = 0x0000FFFF;
}
