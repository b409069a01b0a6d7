namespace Prism.Products;

/// <summary>
/// One product's lifecycle: Queued → Preprocessing → Preprocessed → Registering → Registered, or Failed(stage, reason).
/// <para>Key: the product key — the package file name without its archive extension (<c>preprocess_queue</c>),
/// the <c>id</c> of a metadata message, the last segment of a register prefix, or a STAC item id. The catalog
/// identifier comes from the metadata and may differ.</para>
/// <para>Owns the product's persisted state and history and keeps the PVS status sets in step with it. Calls
/// return as soon as the request is accepted (state written); the work runs in the background of the
/// activation, with GDAL off the grain scheduler.</para>
/// </summary>
public interface IProductGrain : IGrainWithStringKey
{
    /// <summary>Accepts a message. Re-delivery of a message already handled is a no-op that returns the status.</summary>
    Task<ProductStatus> SubmitAsync(IngestRequest request);

    Task<ProductStatus> GetStatusAsync();

    /// <summary>Continues interrupted work (after a crash); a no-op for products at rest.</summary>
    Task<ProductStatus> ResumeAsync();

    /// <summary>Removes the product from the catalog and its published objects.</summary>
    Task<ProductStatus> DeregisterAsync();
}
