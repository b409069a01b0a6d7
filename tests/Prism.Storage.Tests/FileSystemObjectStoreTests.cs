using System.Text;
using Prism.Storage;

namespace Prism.Tests.Storage;

public sealed class FileSystemObjectStoreTests : ObjectStoreContractTests
{
    private readonly string _root = TestEnvironment.TempFolder("fs-store");
    private readonly string _outside = TestEnvironment.TempFolder("fs-outside");

    protected override Task<IObjectStore> CreateStoreAsync() => Task.FromResult<IObjectStore>(new FileSystemObjectStore(_root));

    protected override Task CleanupAsync()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void GdalPath_is_the_full_local_path()
    {
        Assert.Equal(Path.Combine(_root, "a", "b.tif"), Store.GdalPath("a/b.tif"));
        Assert.Equal(new Uri(_root).AbsoluteUri, Store.Location);
    }

    [Fact]
    public async Task Objects_are_plain_files_under_the_root_and_no_temporary_files_remain()
    {
        await Store.PutAsync("x/y/z.txt", new MemoryStream(Encoding.UTF8.GetBytes("hello")));
        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(_root, "x", "y", "z.txt")));
        Assert.Equal(new[] { Path.Combine(_root, "x", "y", "z.txt") }, Directory.GetFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_failed_write_leaves_the_previous_object_and_no_temporary_file()
    {
        await Store.PutAsync("keep.txt", new MemoryStream(Encoding.UTF8.GetBytes("old")));
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync("keep.txt", new FailingStream()));
        Assert.Equal("old", await File.ReadAllTextAsync(Path.Combine(_root, "keep.txt")));
        Assert.Single(Directory.GetFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_symlinked_folder_escaping_the_root_is_refused()
    {
        await File.WriteAllTextAsync(Path.Combine(_outside, "secret.txt"), "secret");
        Directory.CreateSymbolicLink(Path.Combine(_root, "link"), _outside);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync("link/secret.txt"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.StatAsync("link/secret.txt"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync("link/secret.txt"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync("link/new.txt", new MemoryStream([1])));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync("link/deeper/new.txt", new MemoryStream([1])));
        Assert.Throws<ArgumentException>(() => Store.GdalPath("link/secret.txt"));

        Assert.Equal(new[] { "secret.txt" }, Directory.GetFileSystemEntries(_outside).Select(Path.GetFileName));
        Assert.Empty(await KeysAsync(""));
        Assert.Empty(await KeysAsync("link/"));
        Assert.Equal(0, await Store.DeletePrefixAsync("link/"));
        Assert.True(File.Exists(Path.Combine(_outside, "secret.txt")));
    }

    [Fact]
    public async Task A_symlinked_file_escaping_the_root_is_refused()
    {
        var secret = Path.Combine(_outside, "secret.txt");
        await File.WriteAllTextAsync(secret, "secret");
        File.CreateSymbolicLink(Path.Combine(_root, "evil"), secret);
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        File.CreateSymbolicLink(Path.Combine(_root, "sub", "relative-evil"), Path.Combine("..", "..", Path.GetFileName(_outside), "secret.txt"));

        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync("evil"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.OpenReadAsync("sub/relative-evil"));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync("evil", new MemoryStream([1])));
        Assert.Empty(await KeysAsync(""));
        Assert.Equal("secret", await File.ReadAllTextAsync(secret));
    }

    [Fact]
    public async Task Symlinks_that_stay_inside_the_root_are_followed()
    {
        await Store.PutAsync("real/data.txt", new MemoryStream(Encoding.UTF8.GetBytes("inside")));
        File.CreateSymbolicLink(Path.Combine(_root, "alias.txt"), Path.Combine("real", "data.txt"));
        Assert.Equal("inside", Encoding.UTF8.GetString((await GetAsync("alias.txt"))!));
        Assert.Equal(6, (await Store.StatAsync("alias.txt"))!.Length);
    }

    [Fact]
    public async Task A_root_reached_through_a_symlink_works()
    {
        var linkedRoot = _outside + "-root-link";
        Directory.CreateSymbolicLink(linkedRoot, _root);
        try
        {
            var store = new FileSystemObjectStore(linkedRoot);
            await store.PutAsync("via/link.txt", new MemoryStream([7]));
            Assert.True(File.Exists(Path.Combine(_root, "via", "link.txt")));
            Assert.Equal(new[] { "via/link.txt" }, await KeysAsync(""));
        }
        finally
        {
            Directory.Delete(linkedRoot);
        }
    }

    [Fact]
    public async Task Concurrent_writers_of_one_key_leave_one_complete_object()
    {
        var payloads = Enumerable.Range(0, 8).Select(i => Enumerable.Repeat((byte)i, 200_000).ToArray()).ToArray();
        await Task.WhenAll(payloads.Select(p => Task.Run(() => Store.PutAsync("race.bin", new MemoryStream(p)))));
        var stored = (await GetAsync("race.bin"))!;
        Assert.Contains(payloads, p => p.AsSpan().SequenceEqual(stored));
        Assert.Single(Directory.GetFiles(_root));
    }

    private sealed class FailingStream : Stream
    {
        private int _reads;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_reads++ > 2) throw new IOException("source failed");
            buffer.AsSpan(offset, Math.Min(count, 100)).Fill(42);
            return Math.Min(count, 100);
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
