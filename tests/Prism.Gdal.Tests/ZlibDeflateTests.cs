using System.IO.Compression;
using Prism.Gdal;

namespace Prism.Tests.Gdal;

/// <summary><see cref="ZlibDeflate"/> (libdeflate) read back by .NET's own zlib decoder, at every level.</summary>
public sealed class ZlibDeflateTests
{
    [Fact]
    public void Every_level_writes_a_zlib_stream_that_another_decoder_inflates_to_the_input()
    {
        var random = new Random(7);
        var input = new byte[200_000];
        for (var i = 0; i < input.Length; i++) input[i] = (byte)(i % 97 < 60 ? i % 7 : random.Next(256)); // half repetitive
        var sizes = new List<int>();
        for (var level = ZlibDeflate.MinLevel; level <= ZlibDeflate.MaxLevel; level++)
        {
            var output = new byte[ZlibDeflate.Bound(input.Length, level)];
            var n = ZlibDeflate.Compress(input, output, level);
            Assert.InRange(n, 2, output.Length);
            Assert.Equal(0x78, output[0]); // zlib header: deflate, 32 KiB window
            using var z = new ZLibStream(new MemoryStream(output, 0, n), CompressionMode.Decompress);
            using var back = new MemoryStream();
            z.CopyTo(back);
            Assert.Equal(input, back.ToArray());
            sizes.Add(n);
        }
        Assert.True(sizes[0] > input.Length);          // level 0 stores
        Assert.True(sizes[1] < input.Length * 3 / 4);  // level 1 compresses the repetitive half
        Assert.True(sizes[^1] <= sizes[1]);
    }

    [Fact]
    public void Rejects_a_level_out_of_range_and_an_output_below_the_bound()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ZlibDeflate.Compress(new byte[10], new byte[100], 13));
        Assert.Throws<ArgumentException>(() => ZlibDeflate.Compress(new byte[1000], new byte[10], 1));
    }
}
