namespace Prism.Maps;

/// <summary>
/// Seeds the tiles of one metatile (a block of n×n tiles of one zoom level): the tiles not yet in the object store
/// are rendered in one warp of the block's extent per product set, cut, encoded and stored under the same keys the
/// tile grains use (<see cref="TileKeys.StoreKey"/>), so serving finds them there. Tiles already stored are not
/// rendered again. A stateless worker (key 0): GDAL work runs off the grain scheduler on the silo's work pool.
/// </summary>
public interface IMetatileGrain : IGrainWithIntegerKey
{
    /// <summary>Renders and stores the missing tiles of <paramref name="request"/>; failures are counted per tile.</summary>
    Task<MetatileResult> SeedAsync(MetatileRequest request);
}

/// <summary>Tiles of one metatile, each with its tile-grain key and single-tile render spec.</summary>
[GenerateSerializer, Immutable]
public sealed record MetatileRequest
{
    /// <summary>Tiles of one zoom level and tile matrix set (same size, same CRS, same style and format).</summary>
    [Id(0)] public required IReadOnlyList<MetatileTile> Tiles { get; init; }
}

/// <summary>One tile: its grain key (see <see cref="TileKeys"/>), its spec, and its column/row in the matrix.</summary>
[GenerateSerializer, Immutable]
public sealed record MetatileTile(
    [property: Id(0)] string Key,
    [property: Id(1)] RenderSpec Spec,
    [property: Id(2)] int Col,
    [property: Id(3)] int Row);

/// <summary>What <see cref="IMetatileGrain.SeedAsync"/> did.</summary>
[GenerateSerializer, Immutable]
public sealed record MetatileResult
{
    /// <summary>Tiles rendered and stored.</summary>
    [Id(0)] public int Rendered { get; init; }
    /// <summary>Tiles found in the store (not rendered).</summary>
    [Id(1)] public int Cached { get; init; }
    /// <summary>Tiles that could not be rendered or stored.</summary>
    [Id(2)] public int Failed { get; init; }
    /// <summary>The last failure, when any.</summary>
    [Id(3)] public string? Error { get; init; }
    /// <summary>Warps done (one per distinct product set of the missing tiles).</summary>
    [Id(4)] public int Warps { get; init; }
}
