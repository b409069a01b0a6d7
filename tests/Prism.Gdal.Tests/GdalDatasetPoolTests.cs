using Prism.Gdal;

namespace Prism.Tests.Gdal;

public sealed class GdalDatasetPoolTests(GdalTestData data) : IClassFixture<GdalTestData>
{
    [Fact]
    public void A_returned_handle_is_reused_and_concurrent_leases_get_their_own()
    {
        using var pool = new GdalDatasetPool(4);
        GdalDataset first;
        using (var lease = pool.Rent(data.Meris))
        {
            first = lease.Dataset;
            Assert.True(first.Width > 0);
        }
        Assert.Equal(1, pool.IdleCount);
        using (var again = pool.Rent(data.Meris))
        {
            Assert.Same(first, again.Dataset);
            Assert.Equal(0, pool.IdleCount);
            // Leased to one caller at a time: a second lease of the same file while the first is out opens another handle.
            using var other = pool.Rent(data.Meris);
            Assert.NotSame(again.Dataset, other.Dataset);
            Assert.Equal(first.Width, other.Dataset.Width);
        }
        Assert.Equal(2, pool.IdleCount);
        Assert.Equal(2, pool.Opened);
        Assert.Equal(1, pool.Reused);
    }

    [Fact]
    public void Idle_handles_are_bounded_least_recently_used_first()
    {
        using var pool = new GdalDatasetPool(1);
        var meris = pool.Rent(data.Meris);
        var world = pool.Rent(data.World);
        var merisDataset = meris.Dataset;
        meris.Dispose();
        world.Dispose(); // the older idle handle (MERIS) is closed
        Assert.Equal(1, pool.IdleCount);
        Assert.Throws<ObjectDisposedException>(() => merisDataset.Width);
        using var again = pool.Rent(data.World);
        Assert.Equal(1, pool.Reused);
    }

    [Fact]
    public void A_new_version_of_a_path_closes_the_old_handles()
    {
        using var pool = new GdalDatasetPool(4);
        var v1 = pool.Rent(data.Meris, data.Meris + "@1");
        var old = v1.Dataset;
        v1.Dispose();
        using (var v2 = pool.Rent(data.Meris, data.Meris + "@2"))
        {
            Assert.NotSame(old, v2.Dataset);
            Assert.Throws<ObjectDisposedException>(() => old.Width);
        }
        // A lease of the old version returned after the new one was seen is closed, not kept.
        var late = new GdalDatasetPool(4);
        var a = late.Rent(data.World, "a");
        using (late.Rent(data.World, "b")) { }
        var stale = a.Dataset;
        a.Dispose();
        Assert.Equal(1, late.IdleCount);
        Assert.Throws<ObjectDisposedException>(() => stale.Width);
        late.Dispose();
    }

    [Fact]
    public void Discarded_leases_and_size_zero_close_their_handle()
    {
        using var pool = new GdalDatasetPool(4);
        var lease = pool.Rent(data.Meris);
        var dataset = lease.Dataset;
        lease.Discard();
        lease.Dispose();
        lease.Dispose(); // idempotent
        Assert.Equal(0, pool.IdleCount);
        Assert.Throws<ObjectDisposedException>(() => dataset.Width);

        using var none = new GdalDatasetPool(0);
        var l = none.Rent(data.Meris);
        var d = l.Dataset;
        l.Dispose();
        Assert.Equal(0, none.IdleCount);
        Assert.Throws<ObjectDisposedException>(() => d.Width);
    }

    [Fact]
    public void Missing_files_fail_like_open_and_a_disposed_pool_refuses_leases()
    {
        var pool = new GdalDatasetPool(2);
        Assert.Throws<InvalidRasterException>(() => pool.Rent(Path.Combine(data.Root, "nope.tif")));
        using (pool.Rent(data.Meris)) { }
        pool.Dispose();
        Assert.Equal(0, pool.IdleCount);
        Assert.Throws<ObjectDisposedException>(() => pool.Rent(data.Meris));
    }

    [Fact]
    public async Task Many_threads_never_share_a_handle()
    {
        using var pool = new GdalDatasetPool(3);
        var inUse = new System.Collections.Concurrent.ConcurrentDictionary<GdalDataset, int>();
        var shared = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 50; i++)
            {
                using var lease = pool.Rent(i % 2 == 0 ? data.Meris : data.World);
                if (!inUse.TryAdd(lease.Dataset, 0)) Interlocked.Increment(ref shared);
                var buffer = new byte[16];
                lease.Dataset.GetBand(1).Read<byte>(0, 0, 4, 4, buffer, 4, 4);
                inUse.TryRemove(lease.Dataset, out var _);
            }
        })));
        Assert.Equal(0, shared);
        Assert.True(pool.IdleCount <= 3);
    }
}
