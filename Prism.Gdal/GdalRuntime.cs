using Prism.Gdal.Native;

namespace Prism.Gdal;

/// <summary>
/// Process-wide GDAL set-up. Every public entry point of this library calls <see cref="EnsureInitialized"/>, so
/// calling it explicitly is only needed to choose the block cache size before the first use.
/// </summary>
public static class GdalRuntime
{
    /// <summary>Default GDAL block cache (GDAL_CACHEMAX), in megabytes.</summary>
    public const int DefaultCacheMaxMb = 128;

    private static readonly Lock Gate = new();
    private static volatile bool _initialized;

    /// <summary>Raised for every GDAL warning/failure on any thread (GDAL itself never writes to stderr here).</summary>
    public static event Action<GdalMessage>? MessageLogged;

    internal static void RaiseMessage(GdalMessage message) => MessageLogged?.Invoke(message);

    /// <summary>
    /// Resolves the native library, registers all drivers, installs the error handler and sets the block cache
    /// (<paramref name="cacheMaxMb"/>, else the GDAL_CACHEMAX environment variable when set, else 128 MB). GDAL_NUM_THREADS
    /// is left as configured. Idempotent and thread-safe; only the first call's cache size counts.
    /// </summary>
    public static void EnsureInitialized(int? cacheMaxMb = null)
    {
        if (_initialized) return;
        lock (Gate)
        {
            if (_initialized) return;
            GdalLibraryResolver.Register();
            GdalErrors.Install();
            GdalNative.GDALAllRegister();
            var mb = cacheMaxMb ?? CacheFromEnvironment() ?? DefaultCacheMaxMb;
            GdalNative.GDALSetCacheMax64((long)mb * 1024 * 1024);
            _initialized = true;
        }
    }

    private static int? CacheFromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable("GDAL_CACHEMAX");
        return int.TryParse(value, out var mb) && mb > 0 && mb < 1_000_000 ? mb : null;
    }

    /// <summary>The GDAL release, e.g. "3.6.2".</summary>
    public static string Version
    {
        get
        {
            EnsureInitialized();
            return GdalNative.Str(GdalNative.GDALVersionInfo("RELEASE_NAME")) ?? "";
        }
    }

    /// <summary>The GDAL block cache size in bytes.</summary>
    public static long CacheMaxBytes
    {
        get
        {
            EnsureInitialized();
            return GdalNative.GDALGetCacheMax64();
        }
    }

    /// <summary>Sets a process-wide configuration option (null removes it).</summary>
    public static void SetConfigOption(string key, string? value)
    {
        EnsureInitialized();
        GdalNative.CPLSetConfigOption(key, value);
    }

    /// <summary>Sets a configuration option for the calling thread only (overrides the global one; null removes it).</summary>
    public static void SetThreadLocalConfigOption(string key, string? value)
    {
        EnsureInitialized();
        GdalNative.CPLSetThreadLocalConfigOption(key, value);
    }

    /// <summary>The effective value of a configuration option (thread-local, global or environment), or null.</summary>
    public static string? GetConfigOption(string key)
    {
        EnsureInitialized();
        return GdalNative.Str(GdalNative.CPLGetConfigOption(key, null));
    }

    /// <summary>
    /// Points GDAL's <c>/vsis3/</c> at an S3-compatible endpoint (MinIO, s3rver, …) with path-style addressing:
    /// AWS_S3_ENDPOINT (host[:port]), AWS_HTTPS (from the URL scheme), AWS_VIRTUAL_HOSTING=FALSE, AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY and AWS_REGION. Process-wide.
    /// </summary>
    public static void ConfigureS3(string endpointUrl, string accessKey, string secretKey, string region = "us-east-1")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(endpointUrl);
        var uri = endpointUrl.Contains("://", StringComparison.Ordinal) ? new Uri(endpointUrl) : new Uri("https://" + endpointUrl);
        var hostPort = uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}";
        var path = uri.AbsolutePath.TrimEnd('/');
        SetConfigOption("AWS_S3_ENDPOINT", hostPort + path);
        SetConfigOption("AWS_HTTPS", uri.Scheme == Uri.UriSchemeHttps ? "YES" : "NO");
        SetConfigOption("AWS_VIRTUAL_HOSTING", "FALSE");
        SetConfigOption("AWS_ACCESS_KEY_ID", accessKey);
        SetConfigOption("AWS_SECRET_ACCESS_KEY", secretKey);
        SetConfigOption("AWS_REGION", string.IsNullOrWhiteSpace(region) ? "us-east-1" : region);
    }
}
