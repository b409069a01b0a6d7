using System.Net;
using System.Runtime.CompilerServices;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.S3.Util;

namespace Prism.Storage;

/// <summary>
/// An <see cref="IObjectStore"/> over an S3 bucket (AWS, MinIO, s3rver, ...), path-style, with an optional key
/// prefix. Uploads never use aws-chunked framing (some S3 servers store the framing inside the object) and send
/// no flexible checksums unless an operation requires one. Objects larger than one part are uploaded as multipart
/// uploads from a single part-sized buffer, so memory stays bounded whatever the object size.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    /// <summary>The size of one multipart part (and of the upload buffer): objects up to this size go in one PUT.</summary>
    public const int DefaultPartSize = 8 * 1024 * 1024;

    private readonly IAmazonS3 _client;
    private readonly bool _ownsClient;
    private readonly bool _createBucket;
    private readonly int _partSize;
    private readonly Lock _bucketGate = new();
    private Task? _bucketReady;

    /// <summary>Builds the client from <paramref name="options"/> (which must be of kind S3).</summary>
    public S3ObjectStore(ObjectStoreOptions options)
        : this(CreateClient(options), options.Bucket ?? throw new ArgumentException("Bucket is required", nameof(options)),
            options.Prefix, options.CreateBucket, ownsClient: true)
    {
        GdalConfigOptions = BuildGdalConfig(options);
    }

    public S3ObjectStore(IAmazonS3 client, string bucket, string? prefix = null, bool createBucket = false,
        bool ownsClient = false, int partSize = DefaultPartSize)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentException.ThrowIfNullOrWhiteSpace(bucket);
        if (partSize < 5 * 1024 * 1024) throw new ArgumentOutOfRangeException(nameof(partSize), "S3 parts are at least 5 MiB");
        _client = client;
        _ownsClient = ownsClient;
        _createBucket = createBucket;
        _partSize = partSize;
        Bucket = bucket;
        Prefix = NormalizePrefix(prefix);
    }

    public string Bucket { get; }

    /// <summary>The key prefix inside the bucket: empty, or ending with '/'.</summary>
    public string Prefix { get; }

    public IAmazonS3 Client => _client;

    /// <summary>
    /// GDAL configuration options that let <c>/vsis3/</c> reach this store (endpoint, path-style, credentials);
    /// empty when the store was built from an existing client.
    /// </summary>
    public IReadOnlyDictionary<string, string> GdalConfigOptions { get; } = new Dictionary<string, string>();

    public string Location => $"s3://{Bucket}/{Prefix}".TrimEnd('/');

    public string GdalPath(string key) => $"/vsis3/{Bucket}/{FullKey(key)}";

    /// <summary>Creates a path-style S3 client for <paramref name="options"/>.</summary>
    public static AmazonS3Client CreateClient(ObjectStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonS3Config
        {
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl))
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }
        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public async Task PutAsync(string key, Stream content, string? contentType = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var fullKey = FullKey(key);
        await EnsureBucketAsync(ct).ConfigureAwait(false);

        // A seekable stream that fits in one part is sent in one PUT from a buffer of its exact size.
        var bufferSize = _partSize;
        if (content.CanSeek)
        {
            var remaining = Math.Max(0, content.Length - content.Position);
            if (remaining < _partSize) bufferSize = (int)remaining + 1;
        }
        var buffer = new byte[bufferSize];
        var count = await StoreFiles.ReadFullAsync(content, buffer, ct).ConfigureAwait(false);
        if (count == buffer.Length && buffer.Length != _partSize)
        {
            // The stream is longer than it said: go on with a part-sized buffer.
            var grown = new byte[_partSize];
            buffer.AsSpan(0, count).CopyTo(grown);
            count += await StoreFiles.ReadFullAsync(content, grown.AsMemory(count), ct).ConfigureAwait(false);
            buffer = grown;
        }
        if (count < buffer.Length)
        {
            await _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = Bucket,
                Key = fullKey,
                InputStream = new MemoryStream(buffer, 0, count, writable: false),
                ContentType = contentType,
                UseChunkEncoding = false,
                AutoCloseStream = true,
            }, ct).ConfigureAwait(false);
            return;
        }
        await MultipartUploadAsync(fullKey, content, buffer, count, contentType, ct).ConfigureAwait(false);
    }

    public async Task PutFileAsync(string key, string localPath, string? contentType = null, CancellationToken ct = default)
    {
        await using var source = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read,
            StoreFiles.BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await PutAsync(key, source, contentType ?? AmazonS3Util.MimeTypeFromExtension(Path.GetExtension(localPath)), ct)
            .ConfigureAwait(false);
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken ct = default)
    {
        var fullKey = FullKey(key);
        await EnsureBucketAsync(ct).ConfigureAwait(false);
        var response = await GetObjectOrNullAsync(fullKey, ct).ConfigureAwait(false);
        return response is null ? null : new S3ReadStream(response);
    }

    public async Task DownloadToFileAsync(string key, string localPath, long maxBytes = long.MaxValue, CancellationToken ct = default)
    {
        var fullKey = FullKey(key);
        await EnsureBucketAsync(ct).ConfigureAwait(false);
        using var response = await GetObjectOrNullAsync(fullKey, ct).ConfigureAwait(false)
                             ?? throw new ObjectNotFoundException(key);
        if (response.ContentLength > maxBytes) throw new ObjectTooLargeException(key, maxBytes);
        await using var body = response.ResponseStream;
        await StoreFiles.CopyToFileAsync(body, key, localPath, maxBytes, ct).ConfigureAwait(false);
    }

    public async Task<ObjectInfo?> StatAsync(string key, CancellationToken ct = default)
    {
        var fullKey = FullKey(key);
        await EnsureBucketAsync(ct).ConfigureAwait(false);
        try
        {
            var response = await _client.GetObjectMetadataAsync(new GetObjectMetadataRequest
            {
                BucketName = Bucket,
                Key = fullKey,
            }, ct).ConfigureAwait(false);
            return new ObjectInfo(key, response.ContentLength, ToOffset(response.LastModified));
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ObjectKey.ValidatePrefix(prefix);
        await EnsureBucketAsync(ct).ConfigureAwait(false);
        // ListObjects (v1) with the last key as marker: some S3 servers cannot make v2 continuation tokens.
        var request = new ListObjectsRequest { BucketName = Bucket, Prefix = Prefix + prefix };
        while (true)
        {
            var response = await _client.ListObjectsAsync(request, ct).ConfigureAwait(false);
            string? last = null;
            foreach (var item in response.S3Objects ?? [])
            {
                last = item.Key;
                if (!item.Key.StartsWith(Prefix, StringComparison.Ordinal)) continue;
                yield return new ObjectInfo(item.Key[Prefix.Length..], item.Size ?? 0, ToOffset(item.LastModified));
            }
            if (response.IsTruncated != true || last is null) yield break;
            request.Marker = string.IsNullOrEmpty(response.NextMarker) ? last : response.NextMarker;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct = default)
    {
        var fullKey = FullKey(key);
        await EnsureBucketAsync(ct).ConfigureAwait(false);
        try
        {
            await _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Bucket, Key = fullKey }, ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
        }
    }

    public async Task<int> DeletePrefixAsync(string prefix, CancellationToken ct = default)
    {
        ObjectKey.ValidatePrefix(prefix);
        var keys = new List<string>();
        await foreach (var item in ListAsync(prefix, ct).ConfigureAwait(false))
            keys.Add(Prefix + item.Key);
        var deleted = 0;
        foreach (var batch in keys.Chunk(1000))
        {
            var response = await _client.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = Bucket,
                Objects = batch.Select(k => new KeyVersion { Key = k }).ToList(),
                Quiet = false,
            }, ct).ConfigureAwait(false);
            if (response.DeleteErrors is { Count: > 0 } errors)
                throw new IOException($"could not delete {errors.Count} objects under '{prefix}' in {Location}: " +
                                      string.Join("; ", errors.Take(5).Select(e => $"{e.Key}: {e.Code} {e.Message}")));
            deleted += response.DeletedObjects?.Count ?? batch.Length;
        }
        return deleted;
    }

    public void Dispose()
    {
        if (_ownsClient) _client.Dispose();
    }

    private async Task MultipartUploadAsync(string fullKey, Stream content, byte[] buffer, int count, string? contentType, CancellationToken ct)
    {
        var initiated = await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = fullKey,
            ContentType = contentType,
        }, ct).ConfigureAwait(false);
        var parts = new List<PartETag>();
        try
        {
            var partNumber = 1;
            while (count > 0)
            {
                var part = await _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = Bucket,
                    Key = fullKey,
                    UploadId = initiated.UploadId,
                    PartNumber = partNumber,
                    PartSize = count,
                    InputStream = new MemoryStream(buffer, 0, count, writable: false),
                    UseChunkEncoding = false,
                }, ct).ConfigureAwait(false);
                parts.Add(new PartETag(partNumber, part.ETag));
                if (count < buffer.Length) break;
                count = await StoreFiles.ReadFullAsync(content, buffer, ct).ConfigureAwait(false);
                partNumber++;
            }
            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = fullKey,
                UploadId = initiated.UploadId,
                PartETags = parts,
            }, ct).ConfigureAwait(false);
        }
        catch
        {
            try
            {
                await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
                {
                    BucketName = Bucket,
                    Key = fullKey,
                    UploadId = initiated.UploadId,
                }, CancellationToken.None).ConfigureAwait(false);
            }
            catch (AmazonServiceException)
            {
                // The original failure matters more; an orphaned upload is cleaned by bucket lifecycle rules.
            }
            throw;
        }
    }

    private async Task<GetObjectResponse?> GetObjectOrNullAsync(string fullKey, CancellationToken ct)
    {
        try
        {
            return await _client.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = fullKey }, ct).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private Task EnsureBucketAsync(CancellationToken ct)
    {
        if (!_createBucket) return Task.CompletedTask;
        Task ready;
        lock (_bucketGate)
        {
            if (_bucketReady is null || _bucketReady.IsFaulted || _bucketReady.IsCanceled)
                _bucketReady = CreateBucketAsync();
            ready = _bucketReady;
        }
        return ready.WaitAsync(ct);
    }

    private async Task CreateBucketAsync()
    {
        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket }).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
        }
    }

    private string FullKey(string key)
    {
        ObjectKey.Validate(key);
        return Prefix + key;
    }

    private static string NormalizePrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix)) return "";
        prefix = prefix.TrimStart('/');
        if (prefix.Length == 0) return "";
        if (!prefix.EndsWith('/')) prefix += "/";
        ObjectKey.ValidatePrefix(prefix, nameof(prefix));
        return prefix;
    }

    private static DateTimeOffset ToOffset(DateTime? value) =>
        value is { } v ? new DateTimeOffset(v.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(v, DateTimeKind.Utc) : v.ToUniversalTime(), TimeSpan.Zero) : DateTimeOffset.MinValue;

    private static Dictionary<string, string> BuildGdalConfig(ObjectStoreOptions options)
    {
        var config = new Dictionary<string, string>
        {
            ["AWS_VIRTUAL_HOSTING"] = "FALSE",
            ["AWS_REGION"] = options.Region,
        };
        if (!string.IsNullOrWhiteSpace(options.ServiceUrl) && Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var uri))
        {
            config["AWS_S3_ENDPOINT"] = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
            config["AWS_HTTPS"] = uri.Scheme == Uri.UriSchemeHttps ? "YES" : "NO";
        }
        if (!string.IsNullOrEmpty(options.AccessKey))
        {
            config["AWS_ACCESS_KEY_ID"] = options.AccessKey;
            config["AWS_SECRET_ACCESS_KEY"] = options.SecretKey ?? "";
        }
        return config;
    }

    /// <summary>The body of a GET; disposing it releases the response. <see cref="Length"/> is the object size.</summary>
    private sealed class S3ReadStream(GetObjectResponse response) : Stream
    {
        private readonly Stream _inner = response.ResponseStream;
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.ContentLength;
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = _inner.Read(buffer, offset, count);
            _position += read;
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            _position += read;
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _inner.Dispose();
                response.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
