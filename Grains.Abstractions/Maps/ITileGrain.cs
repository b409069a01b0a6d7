namespace Prism.Maps;

/// <summary>
/// One cached map tile: the grain owns its bytes (activation memory → object store → render once).
/// <para>Key: <c>{collection}/{style}/{tms}/{fingerprint}/{z}/{x}/{y}.{ext}</c> (see <see cref="TileKeys"/>) — PVS's
/// MapCache key shape <c>{layer}/{tms}/{time}/{z}/{x}/{y}.{ext}</c> with two documented changes: the layer segment is
/// the collection plus the effective style (so <c>coll</c> with its default style and <c>coll__STYLE</c> share
/// tiles), and the time segment is the <b>fingerprint</b> of the product set the TIME value resolved to over this
/// tile (identifiers, update times, coverage locations, style definition). Two intervals resolving to the same
/// products share the tile; re-registering, replacing or deregistering a product changes the fingerprint of exactly
/// the tiles it touches (invalidation by key versioning: stale keys are never asked for again). x = column, y = row
/// (from the top).</para>
/// <para>The bytes persist in the output object store under <c>tiles/</c> + key, so a restart or another silo
/// serves them without rendering. The grain is not reentrant: concurrent requests for a missing tile queue on the
/// one activation and the tile is rendered once. Idle activations are collected after a few minutes (memory bound).</para>
/// </summary>
public interface ITileGrain : IGrainWithStringKey
{
    /// <summary>The tile's bytes; <paramref name="spec"/> says how to render it on a miss (same key ⇒ same spec).
    /// <see cref="EncodedImage.Source"/> is <c>memory</c>, <c>store</c> or <c>rendered</c>.</summary>
    Task<EncodedImage> GetAsync(RenderSpec spec);
}

/// <summary>Builds and parses tile grain keys.</summary>
public static class TileKeys
{
    /// <summary>Object-store prefix of cached tiles (output store).</summary>
    public const string StorePrefix = "tiles/";

    public static string Of(string collection, string style, string tms, string fingerprint, int z, int x, int y, ImageFormat format) =>
        $"{collection}/{style}/{tms}/{fingerprint}/{z}/{x}/{y}.{format.Extension()}";

    /// <summary>The object key of a tile grain key in the output store.</summary>
    public static string StoreKey(string grainKey) => StorePrefix + grainKey;
}
