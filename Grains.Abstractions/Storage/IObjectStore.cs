namespace Prism.Storage;

/// <summary>
/// A flat key/value object store (S3 bucket or a local folder). Keys use '/' separators, never start with '/',
/// and never contain '..' segments; implementations reject keys that would escape their root.
/// </summary>
public interface IObjectStore
{
    /// <summary>Human-readable location, e.g. <c>s3://bucket</c> or <c>file:///var/lib/prism/objects</c>.</summary>
    string Location { get; }

    /// <summary>Uploads <paramref name="content"/> under <paramref name="key"/>, replacing any existing object.</summary>
    Task PutAsync(string key, Stream content, string? contentType = null, CancellationToken ct = default);

    /// <summary>Uploads a local file under <paramref name="key"/>, replacing any existing object.</summary>
    Task PutFileAsync(string key, string localPath, string? contentType = null, CancellationToken ct = default);

    /// <summary>Opens an object for reading, or returns null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct = default);

    /// <summary>Downloads an object to a local file; throws <see cref="ObjectNotFoundException"/> when missing.
    /// Stops with <see cref="ObjectTooLargeException"/> when the object is larger than <paramref name="maxBytes"/>.</summary>
    Task DownloadToFileAsync(string key, string localPath, long maxBytes = long.MaxValue, CancellationToken ct = default);

    /// <summary>Size and modification time of an object, or null when it does not exist.</summary>
    Task<ObjectInfo?> StatAsync(string key, CancellationToken ct = default);

    /// <summary>Every object whose key starts with <paramref name="prefix"/>, in key order.</summary>
    IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, CancellationToken ct = default);

    /// <summary>Deletes one object; deleting a missing object is not an error.</summary>
    Task DeleteAsync(string key, CancellationToken ct = default);

    /// <summary>Deletes every object under a prefix; returns how many were deleted.</summary>
    Task<int> DeletePrefixAsync(string prefix, CancellationToken ct = default);

    /// <summary>A path GDAL can open directly (<c>/vsis3/bucket/key</c> or an absolute local path).</summary>
    string GdalPath(string key);
}

public sealed record ObjectInfo(string Key, long Length, DateTimeOffset LastModified);

/// <summary>The two stores of the pipeline: where packages arrive and where products are published.</summary>
public interface IObjectStores
{
    IObjectStore Input { get; }
    IObjectStore Output { get; }
}

public sealed class ObjectNotFoundException(string key) : Exception($"object '{key}' does not exist")
{
    public string Key { get; } = key;
}

public sealed class ObjectTooLargeException(string key, long limit)
    : Exception($"object '{key}' is larger than the limit of {limit} bytes")
{
    public string Key { get; } = key;
}
