using System.Runtime.InteropServices;

namespace Prism.Gdal.Native;

/// <summary>
/// libdeflate's compressor API (Debian <c>libdeflate0</c>, <c>libdeflate.so.0</c>): the deflate library GDAL and
/// libtiff already link, so it is on every machine that has GDAL.
/// </summary>
internal static unsafe partial class DeflateNative
{
    private const string Lib = "libdeflate.so.0";

    [LibraryImport(Lib, EntryPoint = "libdeflate_alloc_compressor")] public static partial IntPtr AllocCompressor(int level);
    [LibraryImport(Lib, EntryPoint = "libdeflate_free_compressor")] public static partial void FreeCompressor(IntPtr compressor);
    [LibraryImport(Lib, EntryPoint = "libdeflate_zlib_compress")]
    public static partial nuint ZlibCompress(IntPtr compressor, byte* input, nuint inputLength, byte* output, nuint outputAvailable);
    [LibraryImport(Lib, EntryPoint = "libdeflate_zlib_compress_bound")] public static partial nuint ZlibCompressBound(IntPtr compressor, nuint inputLength);
}
