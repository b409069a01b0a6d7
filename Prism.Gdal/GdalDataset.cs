using Prism.Gdal.Native;

namespace Prism.Gdal;

/// <summary>
/// An open GDAL raster dataset. <b>Not thread-safe: a dataset (and its bands) must never be shared between
/// threads</b> — open one per thread/call instead (opening is cheap; GDAL's block cache is shared process-wide).
/// Dispose it to close the file (<c>GDALClose</c>); bands obtained from it are invalid afterwards.
/// </summary>
public sealed unsafe class GdalDataset : IDisposable
{
    private readonly GdalDatasetHandle _handle;

    private GdalDataset(GdalDatasetHandle handle, string path)
    {
        _handle = handle;
        Path = path;
    }

    /// <summary>The path the dataset was opened from (may be a /vsi path).</summary>
    public string Path { get; }

    /// <summary>
    /// Opens a raster with <c>GDALOpenEx</c> (raster drivers only). Throws <see cref="InvalidRasterException"/> with GDAL's
    /// message when the file does not exist, is not a recognised raster or cannot be opened.
    /// </summary>
    public static GdalDataset Open(string path, bool update = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        GdalRuntime.EnsureInitialized();
        GdalErrors.Reset();
        var flags = GdalNative.GDAL_OF_RASTER | GdalNative.GDAL_OF_VERBOSE_ERROR | (update ? GdalNative.GDAL_OF_UPDATE : GdalNative.GDAL_OF_READONLY);
        var h = GdalNative.GDALOpenEx(path, flags, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero);
        if (h == IntPtr.Zero) throw GdalErrors.Exception($"cannot open raster '{path}'", invalidInput: true);
        return new GdalDataset(new GdalDatasetHandle(h), path);
    }

    /// <summary>Takes ownership of a dataset handle returned by GDAL (e.g. by GDALTranslate).</summary>
    internal static GdalDataset FromHandle(IntPtr handle, string path) => new(new GdalDatasetHandle(handle), path);

    internal GdalDatasetHandle Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    internal IntPtr RawHandle => Handle.DangerousGetHandle();

    public int Width => GdalNative.GDALGetRasterXSize(Handle);
    public int Height => GdalNative.GDALGetRasterYSize(Handle);
    public int BandCount => GdalNative.GDALGetRasterCount(Handle);

    /// <summary>Short name of the driver that opened the dataset ("GTiff", "COG" files open as "GTiff", …).</summary>
    public string DriverName => GdalNative.Str(GdalNative.GDALGetDriverShortName(GdalNative.GDALGetDatasetDriver(Handle))) ?? "";

    /// <summary>The dataset CRS as WKT, or "" when it has none.</summary>
    public string ProjectionWkt => GdalNative.Str(GdalNative.GDALGetProjectionRef(Handle)) ?? "";

    /// <summary>The affine geotransform (6 coefficients, rotation terms included) when the dataset has one.</summary>
    public bool TryGetGeoTransform(out double[] transform)
    {
        transform = new double[6];
        int err;
        fixed (double* p = transform) err = GdalNative.GDALGetGeoTransform(Handle, p);
        if (err == GdalNative.CE_None) return true;
        transform = [];
        return false;
    }

    /// <summary>Sets the geotransform (dataset opened for update).</summary>
    public void SetGeoTransform(ReadOnlySpan<double> transform)
    {
        if (transform.Length != 6) throw new ArgumentException("a geotransform has 6 coefficients", nameof(transform));
        GdalErrors.Reset();
        int err;
        fixed (double* p = transform) err = GdalNative.GDALSetGeoTransform(Handle, p);
        GdalErrors.Check(err, $"cannot set the geotransform of '{Path}'");
    }

    /// <summary>Sets the CRS (WKT; dataset opened for update).</summary>
    public void SetProjection(string wkt)
    {
        GdalErrors.Reset();
        GdalErrors.Check(GdalNative.GDALSetProjection(Handle, wkt), $"cannot set the projection of '{Path}'");
    }

    public int GcpCount => GdalNative.GDALGetGCPCount(Handle);

    /// <summary>The CRS of the GCPs as WKT, or "" when there is none.</summary>
    public string GcpProjectionWkt => GdalNative.Str(GdalNative.GDALGetGCPProjection(Handle)) ?? "";

    /// <summary>A metadata item (null when absent). <paramref name="domain"/> e.g. "IMAGE_STRUCTURE"; null = default domain.</summary>
    public string? GetMetadataItem(string name, string? domain = null) =>
        GdalNative.Str(GdalNative.GDALGetMetadataItem(RawHandle, name, domain));

    /// <summary>Band <paramref name="index"/> (1-based). The band lives as long as this dataset.</summary>
    public GdalBand GetBand(int index)
    {
        if (index < 1 || index > BandCount)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"band index must be 1..{BandCount}");
        var h = GdalNative.GDALGetRasterBand(Handle, index);
        if (h == IntPtr.Zero) throw GdalErrors.Exception($"cannot get band {index} of '{Path}'");
        return new GdalBand(this, h, index);
    }

    /// <summary>All bands, 1..BandCount.</summary>
    public IReadOnlyList<GdalBand> Bands => Enumerable.Range(1, BandCount).Select(GetBand).ToArray();

    /// <summary>
    /// Reads a window of several bands (band-sequential: all of band 1, then band 2, …) into <paramref name="buffer"/>,
    /// resampled (nearest) to <paramref name="bufferWidth"/> x <paramref name="bufferHeight"/>, converted to
    /// <typeparamref name="T"/> (byte, ushort, short, float, …). <paramref name="bands"/> null = all bands.
    /// </summary>
    public void Read<T>(int x, int y, int width, int height, Span<T> buffer, int bufferWidth, int bufferHeight, IReadOnlyList<int>? bands = null)
        where T : unmanaged
    {
        var bandMap = bands?.ToArray() ?? Enumerable.Range(1, BandCount).ToArray();
        if (bandMap.Length == 0) throw new ArgumentException("no band to read", nameof(bands));
        var needed = (long)bufferWidth * bufferHeight * bandMap.Length;
        if (bufferWidth <= 0 || bufferHeight <= 0 || buffer.Length < needed)
            throw new ArgumentException($"buffer holds {buffer.Length} values, {needed} needed", nameof(buffer));
        GdalErrors.Reset();
        int err;
        fixed (T* p = buffer)
        fixed (int* map = bandMap)
            err = GdalNative.GDALDatasetRasterIO(Handle, GdalNative.GF_Read, x, y, width, height, p, bufferWidth, bufferHeight,
                (int)GdalDataTypes.Of<T>(), bandMap.Length, map, 0, 0, 0);
        GdalErrors.Check(err, $"cannot read {width}x{height} at {x},{y} from '{Path}'");
    }

    /// <summary>Flushes pending writes (checked; <see cref="Dispose"/> cannot report write errors).</summary>
    public void FlushCache()
    {
        GdalErrors.Reset();
        GdalErrors.Check(GdalNative.GDALFlushCache(Handle), $"cannot flush '{Path}'");
    }

    public void Dispose() => _handle.Dispose();
}

/// <summary>A raster band of a <see cref="GdalDataset"/>; valid while the dataset is open, same thread rules.</summary>
public sealed unsafe class GdalBand
{
    private readonly GdalDataset _dataset;
    private readonly IntPtr _band;

    internal GdalBand(GdalDataset dataset, IntPtr band, int index)
    {
        _dataset = dataset;
        _band = band;
        Index = index;
    }

    private IntPtr H
    {
        get
        {
            _ = _dataset.Handle; // throws when the dataset was disposed
            return _band;
        }
    }

    public int Index { get; }

    public GdalDataType DataType => (GdalDataType)GdalNative.GDALGetRasterDataType(H);

    /// <summary>The band description (often empty).</summary>
    public string Description => GdalNative.Str(GdalNative.GDALGetDescription(H)) ?? "";

    /// <summary>The no-data value, or null when the band has none.</summary>
    public double? NoDataValue
    {
        get
        {
            var v = GdalNative.GDALGetRasterNoDataValue(H, out var ok);
            return ok != 0 ? v : null;
        }
    }

    /// <summary>Sets the no-data value (dataset opened for update).</summary>
    public void SetNoDataValue(double value)
    {
        GdalErrors.Reset();
        GdalErrors.Check(GdalNative.GDALSetRasterNoDataValue(H, value), $"cannot set the no-data value of band {Index}");
    }

    public ColorInterpretation ColorInterpretation => (ColorInterpretation)GdalNative.GDALGetRasterColorInterpretation(H);

    /// <summary>GDAL's name of the colour interpretation ("Red", "Gray", "Palette", …).</summary>
    public string ColorInterpretationName =>
        GdalNative.Str(GdalNative.GDALGetColorInterpretationName(GdalNative.GDALGetRasterColorInterpretation(H))) ?? "";

    public bool HasColorTable => GdalNative.GDALGetRasterColorTable(H) != IntPtr.Zero;

    public int OverviewCount => GdalNative.GDALGetOverviewCount(H);

    /// <summary>Size of overview <paramref name="index"/> (0 = the largest, <see cref="OverviewCount"/> - 1 = the coarsest).</summary>
    public (int Width, int Height) OverviewSize(int index)
    {
        if (index < 0 || index >= OverviewCount)
            throw new ArgumentOutOfRangeException(nameof(index), index, $"overview index must be 0..{OverviewCount - 1}");
        var ov = GdalNative.GDALGetOverview(H, index);
        if (ov == IntPtr.Zero) throw GdalErrors.Exception($"cannot get overview {index} of band {Index}");
        return (GdalNative.GDALGetRasterBandXSize(ov), GdalNative.GDALGetRasterBandYSize(ov));
    }

    public (int Width, int Height) BlockSize
    {
        get
        {
            GdalNative.GDALGetBlockSize(H, out var w, out var h);
            return (w, h);
        }
    }

    public string? GetMetadataItem(string name, string? domain = null) => GdalNative.Str(GdalNative.GDALGetMetadataItem(H, name, domain));

    /// <summary>
    /// GDAL's checksum of the whole band (<c>GDALChecksumImage</c>, as <c>gdalinfo -checksum</c> prints). Throws when a
    /// block cannot be read (GDAL then returns -1).
    /// </summary>
    public int Checksum()
    {
        GdalErrors.Reset();
        var ds = _dataset;
        var sum = GdalNative.GDALChecksumImage(H, 0, 0, ds.Width, ds.Height);
        if (sum == -1 || GdalErrors.Collected.Any(m => m.Class >= GdalErrorClass.Failure))
            throw GdalErrors.Exception($"cannot compute the checksum of band {Index} of '{ds.Path}'", invalidInput: true);
        return sum;
    }

    /// <summary>
    /// Reads a window into <paramref name="buffer"/> (row-major, <paramref name="bufferWidth"/> x <paramref name="bufferHeight"/>,
    /// nearest resampling when the sizes differ), converted to <typeparamref name="T"/> (byte, ushort, float, …).
    /// </summary>
    public void Read<T>(int x, int y, int width, int height, Span<T> buffer, int bufferWidth, int bufferHeight) where T : unmanaged
    {
        var needed = (long)bufferWidth * bufferHeight;
        if (bufferWidth <= 0 || bufferHeight <= 0 || buffer.Length < needed)
            throw new ArgumentException($"buffer holds {buffer.Length} values, {needed} needed", nameof(buffer));
        GdalErrors.Reset();
        int err;
        fixed (T* p = buffer)
            err = GdalNative.GDALRasterIO(H, GdalNative.GF_Read, x, y, width, height, p, bufferWidth, bufferHeight, (int)GdalDataTypes.Of<T>(), 0, 0);
        GdalErrors.Check(err, $"cannot read {width}x{height} at {x},{y} from band {Index} of '{_dataset.Path}'");
    }

    /// <summary>Writes a window from <paramref name="buffer"/> (dataset opened for update or created).</summary>
    public void Write<T>(int x, int y, int width, int height, ReadOnlySpan<T> buffer, int bufferWidth, int bufferHeight) where T : unmanaged
    {
        var needed = (long)bufferWidth * bufferHeight;
        if (bufferWidth <= 0 || bufferHeight <= 0 || buffer.Length < needed)
            throw new ArgumentException($"buffer holds {buffer.Length} values, {needed} needed", nameof(buffer));
        GdalErrors.Reset();
        int err;
        fixed (T* p = buffer)
            err = GdalNative.GDALRasterIO(H, GdalNative.GF_Write, x, y, width, height, p, bufferWidth, bufferHeight, (int)GdalDataTypes.Of<T>(), 0, 0);
        GdalErrors.Check(err, $"cannot write {width}x{height} at {x},{y} to band {Index} of '{_dataset.Path}'");
    }
}
