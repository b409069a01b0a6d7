namespace Prism.Ingestion;

/// <summary>Product type → collection mapping (section <c>Prism:Collections</c>).</summary>
public sealed class CollectionOptions
{
    public const string Section = "Prism:Collections";

    /// <summary>Collections per product type, e.g. <c>"MER_FRS_1P": ["MER_FRS_1P_RGB"]</c>.</summary>
    public Dictionary<string, string[]> ProductTypes { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Put products of unmapped types into a collection named after their product type (default true),
    /// so a new mission ingests without a configuration change.</summary>
    public bool UseDefaultCollection { get; set; } = true;

    /// <summary>Name of the default collection; <c>{productType}</c> is replaced (default: the product type itself).</summary>
    public string DefaultCollection { get; set; } = "{productType}";

    /// <summary>The collections of a product type; empty when unmapped and the default is off.</summary>
    public IReadOnlyList<string> For(string productType)
    {
        if (ProductTypes.TryGetValue(productType, out var mapped) && mapped.Length > 0) return mapped;
        return UseDefaultCollection ? [DefaultCollection.Replace("{productType}", productType, StringComparison.Ordinal)] : [];
    }
}
