using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Prism.Gdal.Native;

/// <summary>
/// The subset of the GDAL 3.6 C API the project uses. Strings returned by GDAL that GDAL owns are declared as
/// <see cref="IntPtr"/> and read with <see cref="Marshal.PtrToStringUTF8(IntPtr)"/> (never freed by the marshaller);
/// strings GDAL allocates for the caller are freed with <see cref="VSIFree"/>. String lists (<c>char**</c>) are
/// passed as <see cref="IntPtr"/> built by <see cref="Utf8StringList"/>.
/// </summary>
internal static unsafe partial class GdalNative
{
    private const string Lib = GdalLibraryResolver.LogicalName;

    static GdalNative() => GdalLibraryResolver.Register();

    // --- CPLErr / flags / constants ---------------------------------------------------------------------------
    public const int CE_None = 0, CE_Debug = 1, CE_Warning = 2, CE_Failure = 3, CE_Fatal = 4;
    public const uint GDAL_OF_READONLY = 0x00, GDAL_OF_UPDATE = 0x01, GDAL_OF_RASTER = 0x02, GDAL_OF_VERBOSE_ERROR = 0x40;
    public const int GF_Read = 0, GF_Write = 1;
    public const int OAMS_TRADITIONAL_GIS_ORDER = 0;
    public const int OGRERR_NONE = 0;

    // --- core -------------------------------------------------------------------------------------------------
    [LibraryImport(Lib)] public static partial void GDALAllRegister();
    [LibraryImport(Lib)] public static partial void GDALSetCacheMax64(long bytes);
    [LibraryImport(Lib)] public static partial long GDALGetCacheMax64();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr GDALVersionInfo(string request);

    // --- CPL: errors and configuration ------------------------------------------------------------------------
    [LibraryImport(Lib)] public static partial IntPtr CPLSetErrorHandler(delegate* unmanaged[Cdecl]<int, int, IntPtr, void> handler);
    [LibraryImport(Lib)] public static partial void CPLErrorReset();
    [LibraryImport(Lib)] public static partial int CPLGetLastErrorNo();
    [LibraryImport(Lib)] public static partial int CPLGetLastErrorType();
    [LibraryImport(Lib)] public static partial IntPtr CPLGetLastErrorMsg();
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial void CPLSetConfigOption(string key, string? value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial void CPLSetThreadLocalConfigOption(string key, string? value);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr CPLGetConfigOption(string key, string? defaultValue);

    // --- datasets ---------------------------------------------------------------------------------------------
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr GDALOpenEx(string path, uint flags, IntPtr allowedDrivers, IntPtr openOptions, IntPtr siblingFiles);
    [LibraryImport(Lib)] public static partial void GDALClose(IntPtr dataset);
    [LibraryImport(Lib)] public static partial int GDALFlushCache(GdalDatasetHandle dataset);
    [LibraryImport(Lib)] public static partial int GDALGetRasterXSize(GdalDatasetHandle dataset);
    [LibraryImport(Lib)] public static partial int GDALGetRasterYSize(GdalDatasetHandle dataset);
    [LibraryImport(Lib)] public static partial int GDALGetRasterCount(GdalDatasetHandle dataset);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetProjectionRef(GdalDatasetHandle dataset);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int GDALSetProjection(GdalDatasetHandle dataset, string wkt);
    [LibraryImport(Lib)] public static partial int GDALGetGeoTransform(GdalDatasetHandle dataset, double* transform);
    [LibraryImport(Lib)] public static partial int GDALSetGeoTransform(GdalDatasetHandle dataset, double* transform);
    [LibraryImport(Lib)] public static partial int GDALGetGCPCount(GdalDatasetHandle dataset);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetGCPProjection(GdalDatasetHandle dataset);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetRasterBand(GdalDatasetHandle dataset, int band);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetDatasetDriver(GdalDatasetHandle dataset);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetDriverShortName(IntPtr driver);
    [LibraryImport(Lib)]
    public static partial int GDALDatasetRasterIO(GdalDatasetHandle dataset, int rwFlag, int xOff, int yOff, int xSize, int ySize,
        void* buffer, int bufXSize, int bufYSize, int bufType, int bandCount, int* bandMap, int pixelSpace, int lineSpace, int bandSpace);

    // --- major objects (datasets and bands) -------------------------------------------------------------------
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr GDALGetMetadataItem(IntPtr majorObject, string name, string? domain);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int GDALSetMetadataItem(IntPtr majorObject, string name, string? value, string? domain);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetDescription(IntPtr majorObject);

    // --- bands ------------------------------------------------------------------------------------------------
    [LibraryImport(Lib)] public static partial int GDALGetRasterDataType(IntPtr band);
    [LibraryImport(Lib)] public static partial double GDALGetRasterNoDataValue(IntPtr band, out int success);
    [LibraryImport(Lib)] public static partial int GDALSetRasterNoDataValue(IntPtr band, double value);
    [LibraryImport(Lib)] public static partial int GDALGetRasterColorInterpretation(IntPtr band);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetColorInterpretationName(int colorInterp);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetRasterColorTable(IntPtr band);
    [LibraryImport(Lib)] public static partial int GDALGetOverviewCount(IntPtr band);
    [LibraryImport(Lib)] public static partial void GDALGetBlockSize(IntPtr band, out int xSize, out int ySize);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetOverview(IntPtr band, int index);
    [LibraryImport(Lib)] public static partial int GDALGetRasterBandXSize(IntPtr band);
    [LibraryImport(Lib)] public static partial int GDALGetRasterBandYSize(IntPtr band);
    [LibraryImport(Lib)] public static partial int GDALChecksumImage(IntPtr band, int xOff, int yOff, int xSize, int ySize);
    [LibraryImport(Lib)]
    public static partial int GDALRasterIO(IntPtr band, int rwFlag, int xOff, int yOff, int xSize, int ySize,
        void* buffer, int bufXSize, int bufYSize, int bufType, int pixelSpace, int lineSpace);
    [LibraryImport(Lib)] public static partial IntPtr GDALGetDataTypeName(int dataType);
    [LibraryImport(Lib)] public static partial int GDALGetDataTypeSizeBytes(int dataType);

    // --- transformer (geotransform / GCP / RPC to a CRS) ------------------------------------------------------
    [LibraryImport(Lib)] public static partial IntPtr GDALCreateGenImgProjTransformer2(GdalDatasetHandle source, IntPtr destination, IntPtr options);
    [LibraryImport(Lib)] public static partial int GDALGenImgProjTransform(IntPtr transformer, int dstToSrc, int count, double* x, double* y, double* z, int* success);
    [LibraryImport(Lib)] public static partial void GDALDestroyGenImgProjTransformer(IntPtr transformer);

    // --- utilities (gdal_utils.h) -----------------------------------------------------------------------------
    [LibraryImport(Lib)] public static partial IntPtr GDALTranslateOptionsNew(IntPtr argv, IntPtr optionsForBinary);
    [LibraryImport(Lib)] public static partial void GDALTranslateOptionsFree(IntPtr options);
    [LibraryImport(Lib)] public static partial void GDALTranslateOptionsSetProgress(IntPtr options, delegate* unmanaged[Cdecl]<double, IntPtr, IntPtr, int> progress, IntPtr progressData);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr GDALTranslate(string destination, GdalDatasetHandle source, IntPtr options, out int usageError);

    [LibraryImport(Lib)] public static partial IntPtr GDALWarpAppOptionsNew(IntPtr argv, IntPtr optionsForBinary);
    [LibraryImport(Lib)] public static partial void GDALWarpAppOptionsFree(IntPtr options);
    [LibraryImport(Lib)] public static partial void GDALWarpAppOptionsSetProgress(IntPtr options, delegate* unmanaged[Cdecl]<double, IntPtr, IntPtr, int> progress, IntPtr progressData);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr GDALWarp(string destination, IntPtr destinationDataset, int sourceCount, IntPtr* sources, IntPtr options, out int usageError);

    [LibraryImport(Lib)] public static partial IntPtr GDALInfoOptionsNew(IntPtr argv, IntPtr optionsForBinary);
    [LibraryImport(Lib)] public static partial void GDALInfoOptionsFree(IntPtr options);
    [LibraryImport(Lib)] public static partial IntPtr GDALInfo(GdalDatasetHandle dataset, IntPtr options);

    // --- VSI ------------------------------------------------------------------------------------------------
    [LibraryImport(Lib)] public static partial void VSIFree(IntPtr pointer);
    [LibraryImport(Lib)] public static partial IntPtr VSIMalloc(nuint size);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr VSIFileFromMemBuffer(string path, IntPtr data, ulong length, int takeOwnership);
    [LibraryImport(Lib)] public static partial int VSIFCloseL(IntPtr file);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr VSIGetMemFileBuffer(string path, out ulong length, int unlinkAndSeize);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int VSIUnlink(string path);

    // --- OSR ------------------------------------------------------------------------------------------------
    [LibraryImport(Lib)] public static partial IntPtr OSRNewSpatialReference(IntPtr wkt);
    [LibraryImport(Lib)] public static partial void OSRDestroySpatialReference(IntPtr srs);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial int OSRSetFromUserInput(IntPtr srs, string definition);
    [LibraryImport(Lib)] public static partial void OSRSetAxisMappingStrategy(IntPtr srs, int strategy);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr OSRGetAuthorityName(IntPtr srs, string? targetKey);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] public static partial IntPtr OSRGetAuthorityCode(IntPtr srs, string? targetKey);
    [LibraryImport(Lib)] public static partial int OSRAutoIdentifyEPSG(IntPtr srs);
    [LibraryImport(Lib)] public static partial IntPtr OSRFindMatches(IntPtr srs, IntPtr options, out int count, out IntPtr confidences);
    [LibraryImport(Lib)] public static partial void OSRFreeSRSArray(IntPtr array);
    [LibraryImport(Lib)] public static partial int OSRIsSame(IntPtr a, IntPtr b);
    [LibraryImport(Lib)] public static partial int OSRExportToWkt(IntPtr srs, out IntPtr wkt);
    [LibraryImport(Lib)] public static partial IntPtr OCTNewCoordinateTransformation(IntPtr source, IntPtr target);
    [LibraryImport(Lib)] public static partial void OCTDestroyCoordinateTransformation(IntPtr transformation);
    [LibraryImport(Lib)] public static partial int OCTTransformEx(IntPtr transformation, int count, double* x, double* y, double* z, int* success);

    /// <summary>Reads a GDAL-owned, NUL-terminated UTF-8 string (null stays null).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static string? Str(IntPtr p) => p == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(p);

    /// <summary>Reads a string GDAL allocated for us and frees it with <see cref="VSIFree"/>.</summary>
    public static string? TakeStr(IntPtr p)
    {
        if (p == IntPtr.Zero) return null;
        try { return Marshal.PtrToStringUTF8(p); }
        finally { VSIFree(p); }
    }
}
