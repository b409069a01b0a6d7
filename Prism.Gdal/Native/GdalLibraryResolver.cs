using System.Reflection;
using System.Runtime.InteropServices;

namespace Prism.Gdal.Native;

/// <summary>
/// Maps the logical library name <c>gdal</c> used by <see cref="GdalNative"/> to the system GDAL. Debian's runtime
/// package (libgdal32) only ships the versioned <c>libgdal.so.32</c>; the unversioned <c>libgdal.so</c> comes with
/// libgdal-dev. <c>PRISM_GDAL_LIBRARY</c> may name another file or path.
/// </summary>
internal static class GdalLibraryResolver
{
    public const string LogicalName = "gdal";
    private static readonly string[] Candidates = ["libgdal.so.32", "libgdal.so", "libgdal.so.33", "libgdal.so.34", "libgdal.so.36", "libgdal.so.30"];
    private static readonly Lock Gate = new();
    private static bool _registered;
    private static IntPtr _handle;

    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            NativeLibrary.SetDllImportResolver(typeof(GdalLibraryResolver).Assembly, Resolve);
            _registered = true;
        }
    }

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LogicalName) return IntPtr.Zero;
        lock (Gate)
        {
            if (_handle != IntPtr.Zero) return _handle;
            var configured = Environment.GetEnvironmentVariable("PRISM_GDAL_LIBRARY");
            IEnumerable<string> names = string.IsNullOrWhiteSpace(configured) ? Candidates : [configured, .. Candidates];
            foreach (var name in names)
            {
                if (NativeLibrary.TryLoad(name, out var handle))
                {
                    _handle = handle;
                    return handle;
                }
            }
            throw new DllNotFoundException(
                $"GDAL native library not found (tried {string.Join(", ", names)}); install libgdal32 (Debian) or set PRISM_GDAL_LIBRARY");
        }
    }
}
