using Prism.Gdal.Native;

namespace Prism.Gdal;

/// <summary>
/// An OSR spatial reference (internal helper). Always uses the traditional GIS axis order (x = easting/longitude,
/// y = northing/latitude) whatever the authority says, so EPSG:4326 coordinates are lon/lat.
/// </summary>
internal sealed class SpatialReference : IDisposable
{
    private IntPtr _h;

    private SpatialReference(IntPtr h) => _h = h;

    public IntPtr Handle => _h != IntPtr.Zero ? _h : throw new ObjectDisposedException(nameof(SpatialReference));

    /// <summary>From WKT, "EPSG:n", PROJ string, … (anything OSRSetFromUserInput accepts); null when not understood.</summary>
    public static SpatialReference? TryCreate(string? definition)
    {
        if (string.IsNullOrWhiteSpace(definition)) return null;
        GdalRuntime.EnsureInitialized();
        GdalErrors.Reset();
        var h = GdalNative.OSRNewSpatialReference(IntPtr.Zero);
        if (h == IntPtr.Zero) return null;
        if (GdalNative.OSRSetFromUserInput(h, definition) != GdalNative.OGRERR_NONE)
        {
            GdalNative.OSRDestroySpatialReference(h);
            GdalErrors.Reset();
            return null;
        }
        GdalNative.OSRSetAxisMappingStrategy(h, GdalNative.OAMS_TRADITIONAL_GIS_ORDER);
        return new SpatialReference(h);
    }

    public static SpatialReference Create(string definition) =>
        TryCreate(definition) ?? throw GdalErrors.Exception($"invalid CRS definition '{Shorten(definition)}'");

    /// <summary>"AUTH:CODE" of the CRS itself, or of an equivalent registered CRS (100 % match); null when none.</summary>
    public unsafe string? AuthorityCode()
    {
        var name = GdalNative.Str(GdalNative.OSRGetAuthorityName(Handle, null));
        var code = GdalNative.Str(GdalNative.OSRGetAuthorityCode(Handle, null));
        if (!string.IsNullOrEmpty(name) && !string.IsNullOrEmpty(code)) return $"{name}:{code}";

        var matches = GdalNative.OSRFindMatches(Handle, IntPtr.Zero, out var count, out var confidences);
        try
        {
            if (matches == IntPtr.Zero || count <= 0 || confidences == IntPtr.Zero) return null;
            var srsArray = (IntPtr*)matches;
            var conf = (int*)confidences;
            for (var i = 0; i < count; i++)
            {
                if (conf[i] < 100) continue;
                var n = GdalNative.Str(GdalNative.OSRGetAuthorityName(srsArray[i], null));
                var c = GdalNative.Str(GdalNative.OSRGetAuthorityCode(srsArray[i], null));
                if (!string.IsNullOrEmpty(n) && !string.IsNullOrEmpty(c)) return $"{n}:{c}";
            }
            return null;
        }
        finally
        {
            if (matches != IntPtr.Zero) GdalNative.OSRFreeSRSArray(matches);
            if (confidences != IntPtr.Zero) GdalNative.VSIFree(confidences);
            GdalErrors.Reset();
        }
    }

    public bool IsSame(SpatialReference other) => GdalNative.OSRIsSame(Handle, other.Handle) != 0;

    /// <summary>
    /// Transforms points in place to <paramref name="target"/>; returns per-point success (points that cannot be
    /// transformed, e.g. outside the projection's domain, are false).
    /// </summary>
    public unsafe bool[] Transform(SpatialReference target, double[] x, double[] y)
    {
        if (x.Length != y.Length) throw new ArgumentException("x and y differ in length");
        GdalErrors.Reset();
        var ct = GdalNative.OCTNewCoordinateTransformation(Handle, target.Handle);
        if (ct == IntPtr.Zero) throw GdalErrors.Exception("cannot create a coordinate transformation");
        try
        {
            var ok = new int[x.Length];
            var z = new double[x.Length];
            fixed (double* px = x, py = y, pz = z)
            fixed (int* pok = ok)
                GdalNative.OCTTransformEx(ct, x.Length, px, py, pz, pok);
            GdalErrors.Reset();
            return ok.Select(v => v != 0).ToArray();
        }
        finally
        {
            GdalNative.OCTDestroyCoordinateTransformation(ct);
        }
    }

    public void Dispose()
    {
        if (_h == IntPtr.Zero) return;
        GdalNative.OSRDestroySpatialReference(_h);
        _h = IntPtr.Zero;
    }

    internal static string Shorten(string s) => s.Length <= 80 ? s : s[..77] + "...";
}
