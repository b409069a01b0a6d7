using Prism.Gdal.Native;

namespace Prism.Gdal;

/// <summary>
/// GDAL's in-memory file system (<c>/vsimem/...</c>): put bytes there for GDAL to open, take GDAL's output back.
/// Paths are process-wide; use unique names per call.
/// </summary>
public static class VsiMem
{
    /// <summary>A fresh unique /vsimem/ path ending with <paramref name="extension"/> (e.g. ".tif").</summary>
    public static string UniquePath(string extension = ".tif") => $"/vsimem/prism/{Guid.NewGuid():N}{extension}";

    /// <summary>Creates (or replaces) <paramref name="path"/> with a copy of <paramref name="data"/>; GDAL owns the copy.</summary>
    public static unsafe void Write(string path, ReadOnlySpan<byte> data)
    {
        CheckPath(path);
        GdalRuntime.EnsureInitialized();
        var size = (nuint)Math.Max(1, data.Length);
        var buffer = GdalNative.VSIMalloc(size);
        if (buffer == IntPtr.Zero) throw new OutOfMemoryException($"VSIMalloc({data.Length}) failed");
        data.CopyTo(new Span<byte>((void*)buffer, data.Length));
        GdalErrors.Reset();
        var file = GdalNative.VSIFileFromMemBuffer(path, buffer, (ulong)data.Length, takeOwnership: 1);
        if (file == IntPtr.Zero)
        {
            GdalNative.VSIFree(buffer);
            throw GdalErrors.Exception($"cannot create '{path}'");
        }
        GdalNative.VSIFCloseL(file);
    }

    /// <summary>Removes <paramref name="path"/> from memory and returns its content. Throws <see cref="FileNotFoundException"/>.</summary>
    public static unsafe byte[] Take(string path)
    {
        CheckPath(path);
        GdalRuntime.EnsureInitialized();
        var p = GdalNative.VSIGetMemFileBuffer(path, out var length, unlinkAndSeize: 1);
        if (p == IntPtr.Zero)
        {
            // An empty file has no buffer but exists: it was unlinked all the same.
            if (length == 0 && GdalNative.VSIUnlink(path) == 0) return [];
            throw new FileNotFoundException($"no such /vsimem file: {path}", path);
        }
        try
        {
            if (length > int.MaxValue) throw new InvalidOperationException($"'{path}' is too large for a byte array ({length} bytes)");
            return new ReadOnlySpan<byte>((void*)p, (int)length).ToArray();
        }
        finally
        {
            GdalNative.VSIFree(p);
        }
    }

    /// <summary>Deletes <paramref name="path"/>; false when it did not exist.</summary>
    public static bool Delete(string path)
    {
        CheckPath(path);
        GdalRuntime.EnsureInitialized();
        GdalErrors.Reset();
        return GdalNative.VSIUnlink(path) == 0;
    }

    private static void CheckPath(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.StartsWith("/vsimem/", StringComparison.Ordinal))
            throw new ArgumentException($"not a /vsimem/ path: {path}", nameof(path));
    }

    internal static bool IsVsi(string path) => path.StartsWith("/vsi", StringComparison.Ordinal);
}
