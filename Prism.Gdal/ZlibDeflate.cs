using Prism.Gdal.Native;

namespace Prism.Gdal;

/// <summary>
/// zlib-format deflate (RFC 1950) in one call through libdeflate, for whole buffers such as a PNG's image data.
/// Measured on 256² RGB tiles of the synthetic COG (Sub filter): libdeflate level 1 writes 66 kB in 1.2 ms where
/// .NET's zlib-ng at level 2 writes 67 kB in ≈ 2.2 ms and system zlib level 1 72 kB in 2.2 ms. A compressor is not
/// thread-safe, so each thread keeps its own (one level at a time); they are freed with their threads.
/// </summary>
public static unsafe class ZlibDeflate
{
    /// <summary>Lowest and highest level libdeflate takes (0 = stored, 12 = smallest).</summary>
    public const int MinLevel = 0, MaxLevel = 12;

    [ThreadStatic] private static Compressor? _compressor;

    /// <summary>Most bytes <see cref="Compress"/> may write for <paramref name="inputLength"/> input bytes at <paramref name="level"/>.</summary>
    public static int Bound(int inputLength, int level) => BoundOf(For(level), inputLength);

    private static int BoundOf(Compressor compressor, int inputLength)
    {
        var bound = DeflateNative.ZlibCompressBound(compressor.Handle, (nuint)inputLength);
        GC.KeepAlive(compressor);
        return checked((int)bound);
    }

    /// <summary>Compresses <paramref name="input"/> into <paramref name="output"/> (at least <see cref="Bound"/> bytes); returns the length written.</summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output, int level)
    {
        var compressor = For(level);
        if (output.Length < BoundOf(compressor, input.Length)) throw new ArgumentException("output is smaller than the bound", nameof(output));
        fixed (byte* i = input)
        fixed (byte* o = output)
        {
            var n = DeflateNative.ZlibCompress(compressor.Handle, i, (nuint)input.Length, o, (nuint)output.Length);
            GC.KeepAlive(compressor);
            return n == 0 ? throw new InvalidOperationException("libdeflate wrote nothing (output too small)") : (int)n;
        }
    }

    private static Compressor For(int level)
    {
        if (level is < MinLevel or > MaxLevel) throw new ArgumentOutOfRangeException(nameof(level), $"level is {MinLevel}–{MaxLevel}");
        var compressor = _compressor;
        if (compressor is null || compressor.Level != level)
        {
            compressor?.Dispose();
            _compressor = compressor = new Compressor(level);
        }
        return compressor;
    }

    private sealed class Compressor : System.Runtime.InteropServices.SafeHandle
    {
        public Compressor(int level) : base(IntPtr.Zero, ownsHandle: true)
        {
            Level = level;
            SetHandle(DeflateNative.AllocCompressor(level));
            if (IsInvalid) throw new OutOfMemoryException($"libdeflate could not allocate a level-{level} compressor");
        }

        public int Level { get; }
        public IntPtr Handle => handle;
        public override bool IsInvalid => handle == IntPtr.Zero;

        protected override bool ReleaseHandle()
        {
            DeflateNative.FreeCompressor(handle);
            return true;
        }
    }
}
