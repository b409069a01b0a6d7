using Prism.Catalog;
using Prism.Products;

namespace Prism.Ingestion;

/// <summary>
/// The side effects of a product's lifecycle, behind one small interface so the grain only orchestrates.
/// Implementations throw <see cref="PermanentIngestException"/> for bad input; any other exception is transient.
/// </summary>
public interface IProductPipeline
{
    /// <summary>Package or metadata message → COGs + metadata + <c>product.json</c> under the product's output prefix.
    /// Returns the manifest (a catalog record without collections) with <see cref="ProductRecord.Prefix"/> set.</summary>
    Task<ProductRecord> PreprocessAsync(string productKey, IngestRequest request, CancellationToken ct);

    /// <summary>Register prefix or STAC item → catalog. Returns the record as registered.</summary>
    Task<ProductRecord> RegisterAsync(string productKey, IngestRequest request, CancellationToken ct);

    /// <summary>Removes the catalog rows and the published objects of a product.</summary>
    Task DeregisterAsync(string identifier, string? prefix, CancellationToken ct);
}
