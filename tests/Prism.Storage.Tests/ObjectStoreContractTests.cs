using System.Security.Cryptography;
using System.Text;
using Prism.Storage;

namespace Prism.Tests.Storage;

/// <summary>The behaviour every <see cref="IObjectStore"/> shares; one subclass per implementation.</summary>
public abstract class ObjectStoreContractTests : IAsyncLifetime
{
    protected IObjectStore Store { get; private set; } = null!;
    protected string Scratch { get; } = TestEnvironment.TempFolder("store-scratch");

    protected abstract Task<IObjectStore> CreateStoreAsync();
    protected virtual Task CleanupAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => Store = await CreateStoreAsync();

    public async Task DisposeAsync()
    {
        await CleanupAsync();
        (Store as IDisposable)?.Dispose();
        Directory.Delete(Scratch, recursive: true);
    }

    protected static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    protected static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var memory = new MemoryStream();
        await stream.CopyToAsync(memory);
        return memory.ToArray();
    }

    protected async Task<byte[]?> GetAsync(string key)
    {
        await using var stream = await Store.OpenReadAsync(key);
        return stream is null ? null : await ReadAllAsync(stream);
    }

    protected async Task<List<string>> KeysAsync(string prefix)
    {
        var keys = new List<string>();
        await foreach (var item in Store.ListAsync(prefix)) keys.Add(item.Key);
        return keys;
    }

    [Fact]
    public async Task Put_then_read_returns_the_same_bytes()
    {
        var data = RandomBytes(100_000);
        await Store.PutAsync("products/a/b.tif", new MemoryStream(data), "image/tiff");
        Assert.Equal(data, await GetAsync("products/a/b.tif"));
    }

    [Fact]
    public async Task Put_replaces_an_existing_object()
    {
        await Store.PutAsync("x.txt", new MemoryStream(Encoding.UTF8.GetBytes("first version, long")));
        await Store.PutAsync("x.txt", new MemoryStream(Encoding.UTF8.GetBytes("second")));
        Assert.Equal("second", Encoding.UTF8.GetString((await GetAsync("x.txt"))!));
        Assert.Equal(6, (await Store.StatAsync("x.txt"))!.Length);
    }

    [Fact]
    public async Task Empty_objects_are_stored()
    {
        await Store.PutAsync("empty", new MemoryStream());
        Assert.Equal(0, (await Store.StatAsync("empty"))!.Length);
        Assert.Empty((await GetAsync("empty"))!);
    }

    [Fact]
    public async Task Non_seekable_streams_are_uploaded()
    {
        var data = RandomBytes(300_000);
        await Store.PutAsync("forward-only.bin", new ForwardOnlyStream(data));
        Assert.Equal(data, await GetAsync("forward-only.bin"));
    }

    [Fact]
    public async Task PutFile_and_DownloadToFile_round_trip()
    {
        var data = RandomBytes(1_234_567);
        var source = Path.Combine(Scratch, "source.bin");
        await File.WriteAllBytesAsync(source, data);
        await Store.PutFileAsync("files/source.bin", source);

        var target = Path.Combine(Scratch, "sub", "target.bin");
        await Store.DownloadToFileAsync("files/source.bin", target);
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(await File.ReadAllBytesAsync(target)));
        Assert.Single(Directory.GetFiles(Path.Combine(Scratch, "sub")));
    }

    [Fact]
    public async Task Missing_objects()
    {
        Assert.Null(await Store.OpenReadAsync("nothing/here"));
        Assert.Null(await Store.StatAsync("nothing/here"));
        var e = await Assert.ThrowsAsync<ObjectNotFoundException>(
            () => Store.DownloadToFileAsync("nothing/here", Path.Combine(Scratch, "x")));
        Assert.Equal("nothing/here", e.Key);
        Assert.False(File.Exists(Path.Combine(Scratch, "x")));
        await Store.DeleteAsync("nothing/here");
        Assert.Equal(0, await Store.DeletePrefixAsync("nothing/"));
    }

    [Fact]
    public async Task Download_refuses_objects_larger_than_the_limit()
    {
        await Store.PutAsync("big.bin", new MemoryStream(RandomBytes(50_000)));
        var target = Path.Combine(Scratch, "big.bin");
        var e = await Assert.ThrowsAsync<ObjectTooLargeException>(() => Store.DownloadToFileAsync("big.bin", target, maxBytes: 49_999));
        Assert.Equal("big.bin", e.Key);
        Assert.False(File.Exists(target));
        Assert.Empty(Directory.GetFiles(Scratch));

        await Store.DownloadToFileAsync("big.bin", target, maxBytes: 50_000);
        Assert.Equal(50_000, new FileInfo(target).Length);
    }

    [Fact]
    public async Task Stat_reports_length_and_time()
    {
        await Store.PutAsync("s/one.bin", new MemoryStream(RandomBytes(4321)));
        var info = await Store.StatAsync("s/one.bin");
        Assert.NotNull(info);
        Assert.Equal("s/one.bin", info.Key);
        Assert.Equal(4321, info.Length);
        Assert.True(info.LastModified > new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    [Fact]
    public async Task List_returns_keys_under_a_prefix_in_key_order()
    {
        foreach (var key in new[] { "a/b/2.txt", "a/b/1.txt", "a/b1", "a/c/x.txt", "b.txt", "a/b/deep/z.txt", "a/.hidden" })
            await Store.PutAsync(key, new MemoryStream(Encoding.UTF8.GetBytes(key)));

        Assert.Equal(new[] { "a/.hidden", "a/b/1.txt", "a/b/2.txt", "a/b/deep/z.txt", "a/b1", "a/c/x.txt", "b.txt" }, await KeysAsync(""));
        Assert.Equal(new[] { "a/b/1.txt", "a/b/2.txt", "a/b/deep/z.txt" }, await KeysAsync("a/b/"));
        Assert.Equal(new[] { "a/b/1.txt", "a/b/2.txt", "a/b/deep/z.txt", "a/b1" }, await KeysAsync("a/b"));
        Assert.Equal(new[] { "a/c/x.txt" }, await KeysAsync("a/c"));
        Assert.Empty(await KeysAsync("zzz/"));

        var items = new List<ObjectInfo>();
        await foreach (var item in Store.ListAsync("a/c/")) items.Add(item);
        Assert.Equal("a/c/x.txt".Length, Assert.Single(items).Length);
    }

    [Fact]
    public async Task Delete_and_delete_prefix()
    {
        foreach (var key in new[] { "d/1", "d/2", "d/sub/3", "dx/4", "e/5" })
            await Store.PutAsync(key, new MemoryStream([1, 2, 3]));

        await Store.DeleteAsync("d/1");
        await Store.DeleteAsync("d/1");
        Assert.Null(await Store.StatAsync("d/1"));
        Assert.Equal(new[] { "d/2", "d/sub/3", "dx/4", "e/5" }, await KeysAsync(""));

        Assert.Equal(2, await Store.DeletePrefixAsync("d/"));
        Assert.Equal(new[] { "dx/4", "e/5" }, await KeysAsync(""));
        Assert.Equal(1, await Store.DeletePrefixAsync("d"));
        Assert.Equal(new[] { "e/5" }, await KeysAsync(""));

        // A folder emptied by deletes does not hinder new objects at the same place.
        await Store.PutAsync("d/sub/3", new MemoryStream([9]));
        Assert.Equal(new byte[] { 9 }, await GetAsync("d/sub/3"));
    }

    public static TheoryData<string> InvalidKeys => new()
    {
        "../x", "/abs", "a/../../b", "a/..", "./a", "a/./b", "a//b", "a/", "", "a\\b", "..\\x", "a\nb", "a\0b", "tab\tkey",
    };

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task Invalid_keys_are_refused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, new MemoryStream([1])));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutFileAsync(key, "/dev/null"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.StatAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DownloadToFileAsync(key, Path.Combine(Scratch, "x")));
        Assert.Throws<ArgumentException>(() => Store.GdalPath(key));
        Assert.Empty(await KeysAsync(""));
    }

    [Theory]
    [InlineData("../")]
    [InlineData("/abs")]
    [InlineData("a/../")]
    [InlineData("a\\")]
    [InlineData("..")]
    public async Task Invalid_prefixes_are_refused(string prefix)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => KeysAsync(prefix));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeletePrefixAsync(prefix));
    }

    /// <summary>A stream that can only be read forwards and does not know its length.</summary>
    private sealed class ForwardOnlyStream(byte[] data) : Stream
    {
        private int _position;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            // Short reads on purpose: at most 1000 bytes at a time.
            var n = Math.Min(Math.Min(count, 1000), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
