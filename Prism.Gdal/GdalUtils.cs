using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Prism.Gdal.Native;

namespace Prism.Gdal;

/// <summary>
/// GDAL's command-line utilities as in-process library calls (gdal_utils.h): the arguments are those of the
/// corresponding program (<c>gdal_translate</c>, <c>gdalwarp</c>, <c>gdalinfo</c>) without the file names.
/// Every call opens its own datasets: safe to call from many threads at once.
/// </summary>
public static unsafe class GdalUtils
{
    /// <summary><c>gdal_translate args src dst</c>. Throws <see cref="InvalidRasterException"/> when the source cannot be opened.</summary>
    public static void Translate(string source, string destination, IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        using var src = GdalDataset.Open(source);
        Translate(src, destination, args, cancellationToken);
    }

    /// <summary><c>gdal_translate</c> from an open dataset.</summary>
    public static void Translate(GdalDataset source, string destination, IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        GdalErrors.Reset();
        using var argv = new Utf8StringList(args);
        var options = GdalNative.GDALTranslateOptionsNew(argv.Pointer, IntPtr.Zero);
        if (options == IntPtr.Zero) throw GdalErrors.Exception($"invalid gdal_translate arguments '{string.Join(' ', args)}'");
        var progress = new ProgressState(cancellationToken);
        var gch = GCHandle.Alloc(progress);
        try
        {
            GdalNative.GDALTranslateOptionsSetProgress(options, &OnProgress, GCHandle.ToIntPtr(gch));
            IntPtr result;
            int usageError;
            using (RandomWriteSupport(destination))
                result = GdalNative.GDALTranslate(destination, source.Handle, options, out usageError);
            Finish(result, usageError, destination, "gdal_translate", args, cancellationToken);
        }
        finally
        {
            gch.Free();
            GdalNative.GDALTranslateOptionsFree(options);
        }
    }

    /// <summary>
    /// <c>gdalwarp args src dst</c> (a new destination). Any gdalwarp argument works, e.g. GCP georeferencing with
    /// <c>-order 2</c> or <c>-tps</c>, <c>-t_srs EPSG:4326</c>, <c>-r bilinear</c>, <c>-dstnodata 0</c>.
    /// </summary>
    public static void Warp(string source, string destination, IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        using var src = GdalDataset.Open(source);
        Warp(src, destination, args, cancellationToken);
    }

    /// <summary><c>gdalwarp</c> from an open dataset.</summary>
    public static void Warp(GdalDataset source, string destination, IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        GdalErrors.Reset();
        using var argv = new Utf8StringList(args);
        var options = GdalNative.GDALWarpAppOptionsNew(argv.Pointer, IntPtr.Zero);
        if (options == IntPtr.Zero) throw GdalErrors.Exception($"invalid gdalwarp arguments '{string.Join(' ', args)}'");
        var progress = new ProgressState(cancellationToken);
        var gch = GCHandle.Alloc(progress);
        try
        {
            GdalNative.GDALWarpAppOptionsSetProgress(options, &OnProgress, GCHandle.ToIntPtr(gch));
            var src = source.RawHandle;
            IntPtr result;
            int usageError;
            using (RandomWriteSupport(destination))
                result = GdalNative.GDALWarp(destination, IntPtr.Zero, 1, &src, options, out usageError);
            GC.KeepAlive(source);
            Finish(result, usageError, destination, "gdalwarp", args, cancellationToken);
        }
        finally
        {
            gch.Free();
            GdalNative.GDALWarpAppOptionsFree(options);
        }
    }

    /// <summary>
    /// <c>gdalwarp -of MEM args</c> from an open dataset into a new in-memory dataset that the caller owns (dispose it).
    /// A fresh destination every call, so no pixel of an earlier warp can survive in it. <c>-of MEM</c> is added
    /// unless <paramref name="args"/> names a format.
    /// </summary>
    public static GdalDataset WarpToMemory(GdalDataset source, IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        GdalErrors.Reset();
        IReadOnlyList<string> all = args.Contains("-of") ? args : ["-of", "MEM", .. args];
        using var argv = new Utf8StringList(all);
        var options = GdalNative.GDALWarpAppOptionsNew(argv.Pointer, IntPtr.Zero);
        if (options == IntPtr.Zero) throw GdalErrors.Exception($"invalid gdalwarp arguments '{string.Join(' ', all)}'");
        var progress = new ProgressState(cancellationToken);
        var gch = GCHandle.Alloc(progress);
        try
        {
            GdalNative.GDALWarpAppOptionsSetProgress(options, &OnProgress, GCHandle.ToIntPtr(gch));
            var src = source.RawHandle;
            var result = GdalNative.GDALWarp("", IntPtr.Zero, 1, &src, options, out var usageError);
            GC.KeepAlive(source);
            if (result != IntPtr.Zero) return GdalDataset.FromHandle(result, "");
            if (cancellationToken.IsCancellationRequested)
                throw new OperationCanceledException("gdalwarp to memory cancelled", cancellationToken);
            throw GdalErrors.Exception(usageError != 0
                ? $"gdalwarp usage error ({string.Join(' ', all)})"
                : $"gdalwarp of '{source.Path}' to memory failed");
        }
        finally
        {
            gch.Free();
            GdalNative.GDALWarpAppOptionsFree(options);
        }
    }

    /// <summary><c>gdalinfo -json [extraArgs] path</c>: GDAL's JSON description of a raster.</summary>
    public static string InfoJson(string path, IReadOnlyList<string>? extraArgs = null)
    {
        using var ds = GdalDataset.Open(path);
        GdalErrors.Reset();
        using var argv = new Utf8StringList(["-json", .. extraArgs ?? []]);
        var options = GdalNative.GDALInfoOptionsNew(argv.Pointer, IntPtr.Zero);
        if (options == IntPtr.Zero) throw GdalErrors.Exception("invalid gdalinfo arguments");
        try
        {
            var json = GdalNative.TakeStr(GdalNative.GDALInfo(ds.Handle, options));
            return json ?? throw GdalErrors.Exception($"gdalinfo failed for '{path}'");
        }
        finally
        {
            GdalNative.GDALInfoOptionsFree(options);
        }
    }

    /// <summary>
    /// The authority code ("EPSG:4326") of a CRS given as WKT (or anything GDAL accepts as a CRS definition): the
    /// CRS's own identifier, else that of a registered CRS matching it fully; null when there is none or the WKT is
    /// not understood.
    /// </summary>
    public static string? AuthorityCode(string wkt)
    {
        using var srs = SpatialReference.TryCreate(wkt);
        return srs?.AuthorityCode();
    }

    private static void Finish(IntPtr result, int usageError, string destination, string program, IReadOnlyList<string> args, CancellationToken ct)
    {
        if (result != IntPtr.Zero)
        {
            // Flush before closing so that write errors (disk full, S3 upload) are reported; GDALClose cannot.
            using var output = GdalDataset.FromHandle(result, destination);
            try
            {
                output.FlushCache();
                return;
            }
            catch
            {
                output.Dispose();
                DeleteQuietly(destination);
                throw;
            }
        }
        var failure = ct.IsCancellationRequested
            ? new OperationCanceledException($"{program} to '{destination}' cancelled", ct)
            : (Exception)GdalErrors.Exception(usageError != 0
                ? $"{program} usage error ({string.Join(' ', args)})"
                : $"{program} to '{destination}' failed");
        DeleteQuietly(destination);
        throw failure;
    }

    /// <summary>
    /// GeoTIFF writers need random access; network file systems (/vsis3/, /vsigs/, /vsiaz/, …) only write sequentially.
    /// For such a destination GDAL is told, for this thread and this call only, to write a local temp file and upload it on close.
    /// </summary>
    private static IDisposable? RandomWriteSupport(string destination)
    {
        const string key = "CPL_VSIL_USE_TEMP_FILE_FOR_RANDOM_WRITE";
        if (!destination.StartsWith("/vsi", StringComparison.Ordinal) || destination.StartsWith("/vsimem/", StringComparison.Ordinal))
            return null;
        GdalNative.CPLSetThreadLocalConfigOption(key, "YES");
        return new Restore(() => GdalNative.CPLSetThreadLocalConfigOption(key, null));
    }

    private sealed class Restore(Action action) : IDisposable
    {
        public void Dispose() => action();
    }

    /// <summary>Removes a (partial) output; works for local and /vsi paths, silent when it does not exist.</summary>
    internal static void DeleteQuietly(string path) => GdalNative.VSIUnlink(path);

    private sealed class ProgressState(CancellationToken token)
    {
        public CancellationToken Token { get; } = token;
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int OnProgress(double complete, IntPtr message, IntPtr data)
    {
        try
        {
            if (data == IntPtr.Zero) return 1;
            return GCHandle.FromIntPtr(data).Target is ProgressState { Token.IsCancellationRequested: true } ? 0 : 1;
        }
        catch
        {
            return 1;
        }
    }
}
