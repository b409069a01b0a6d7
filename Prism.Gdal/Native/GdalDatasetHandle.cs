using Microsoft.Win32.SafeHandles;

namespace Prism.Gdal.Native;

/// <summary>Owns a <c>GDALDatasetH</c>; releasing it calls <c>GDALClose</c>.</summary>
internal sealed class GdalDatasetHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public GdalDatasetHandle() : base(ownsHandle: true) { }

    public GdalDatasetHandle(IntPtr handle) : base(ownsHandle: true) => SetHandle(handle);

    protected override bool ReleaseHandle()
    {
        GdalNative.GDALClose(handle);
        return true;
    }
}
