using System.Security.Cryptography;
using Amazon.S3.Model;
using Prism.Storage;

namespace Prism.Tests.Storage;

public sealed class S3ObjectStoreTests : ObjectStoreContractTests
{
    private readonly string _bucket = $"prism-test-{Guid.NewGuid():N}"[..40];

    internal static ObjectStoreOptions Options(string bucket, string? prefix = null) => new()
    {
        Kind = "S3",
        Bucket = bucket,
        Prefix = prefix,
        ServiceUrl = TestEnvironment.S3Endpoint,
        AccessKey = TestEnvironment.S3AccessKey,
        SecretKey = TestEnvironment.S3SecretKey,
        CreateBucket = true,
    };

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new S3ObjectStore(Options(_bucket)));

    private S3ObjectStore S3 => (S3ObjectStore)Store;

    protected override async Task CleanupAsync()
    {
        await Store.DeletePrefixAsync("");
        await S3.Client.DeleteBucketAsync(new DeleteBucketRequest { BucketName = _bucket });
    }

    private async Task<byte[]> HttpGetAsync(string fullKey)
    {
        using var http = new HttpClient();
        using var response = await http.GetAsync($"{TestEnvironment.S3Endpoint.TrimEnd('/')}/{_bucket}/{fullKey}");
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task<byte[]> SdkGetAsync(string fullKey)
    {
        using var response = await S3.Client.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = fullKey });
        return await ReadAllAsync(response.ResponseStream);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65_537)]
    [InlineData(20 * 1024 * 1024)]
    public async Task Uploaded_objects_keep_their_exact_length_and_SHA256(int length)
    {
        var data = RandomBytes(length);
        var expected = SHA256.HashData(data);
        var source = Path.Combine(Scratch, "upload.bin");
        await File.WriteAllBytesAsync(source, data);

        await Store.PutFileAsync("big/upload.bin", source);
        await Store.PutAsync("big/stream.bin", new MemoryStream(data));

        foreach (var key in new[] { "big/upload.bin", "big/stream.bin" })
        {
            Assert.Equal(length, (await Store.StatAsync(key))!.Length);

            var viaSdk = await SdkGetAsync(key);
            Assert.Equal(length, viaSdk.Length);
            Assert.Equal(expected, SHA256.HashData(viaSdk));

            var viaHttp = await HttpGetAsync(key);
            Assert.Equal(length, viaHttp.Length);
            Assert.Equal(expected, SHA256.HashData(viaHttp));

            await using var stream = (await Store.OpenReadAsync(key))!;
            Assert.Equal(length, stream.Length);
            Assert.Equal(expected, await SHA256.HashDataAsync(stream));

            var target = Path.Combine(Scratch, "download.bin");
            await Store.DownloadToFileAsync(key, target, maxBytes: length);
            Assert.Equal(length, new FileInfo(target).Length);
            Assert.Equal(expected, SHA256.HashData(await File.ReadAllBytesAsync(target)));
        }

        if (length > S3ObjectStore.DefaultPartSize)
        {
            var target = Path.Combine(Scratch, "too-big.bin");
            await Assert.ThrowsAsync<ObjectTooLargeException>(() => Store.DownloadToFileAsync("big/upload.bin", target, maxBytes: 1024 * 1024));
            Assert.False(File.Exists(target));
        }
    }

    [Fact]
    public async Task A_prefix_isolates_stores_sharing_a_bucket_and_shows_in_GdalPath()
    {
        using var one = new S3ObjectStore(Options(_bucket, "one"));
        using var two = new S3ObjectStore(Options(_bucket, "/two/"));
        await one.PutAsync("k/a.tif", new MemoryStream([1, 2]));
        await two.PutAsync("k/b.tif", new MemoryStream([3]));

        Assert.Equal("one/", one.Prefix);
        Assert.Equal("two/", two.Prefix);
        Assert.Equal($"/vsis3/{_bucket}/one/k/a.tif", one.GdalPath("k/a.tif"));
        Assert.Equal($"/vsis3/{_bucket}/k/a.tif", Store.GdalPath("k/a.tif"));
        Assert.Equal($"s3://{_bucket}/one", one.Location);

        var oneKeys = new List<string>();
        await foreach (var item in one.ListAsync("")) oneKeys.Add(item.Key);
        Assert.Equal(new[] { "k/a.tif" }, oneKeys);
        Assert.Equal(new[] { "one/k/a.tif", "two/k/b.tif" }, await KeysAsync(""));
        Assert.Equal(new byte[] { 1, 2 }, await HttpGetAsync("one/k/a.tif"));

        Assert.Equal(1, await one.DeletePrefixAsync(""));
        Assert.Equal(new[] { "two/k/b.tif" }, await KeysAsync(""));
    }

    [Fact]
    public async Task Listing_pages_through_more_than_a_thousand_objects()
    {
        var keys = Enumerable.Range(0, 1100).Select(i => $"many/{i:D5}").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (key, ct) => await Store.PutAsync(key, new MemoryStream([1]), ct: ct));
        Assert.Equal(keys, await KeysAsync("many/"));
        Assert.Equal(1100, await Store.DeletePrefixAsync("many/"));
        Assert.Empty(await KeysAsync(""));
    }

    [Fact]
    public void GdalConfigOptions_point_GDAL_at_the_endpoint()
    {
        var uri = new Uri(TestEnvironment.S3Endpoint);
        Assert.Equal($"{uri.Host}:{uri.Port}", S3.GdalConfigOptions["AWS_S3_ENDPOINT"]);
        Assert.Equal("NO", S3.GdalConfigOptions["AWS_HTTPS"]);
        Assert.Equal("FALSE", S3.GdalConfigOptions["AWS_VIRTUAL_HOSTING"]);
        Assert.Equal(TestEnvironment.S3AccessKey, S3.GdalConfigOptions["AWS_ACCESS_KEY_ID"]);
    }
}
