namespace Prism.Tests;

/// <summary>
/// Where the real services used by the tests listen. <c>scripts/services.sh start</c> starts them on these
/// loopback ports; CI does the same. Override with the environment variables named below.
/// </summary>
public static class TestEnvironment
{
    /// <summary>PRISM_TEST_PG: an admin connection string to a PostgreSQL 15 server with PostGIS available.</summary>
    public static string PostgresAdmin =>
        Environment.GetEnvironmentVariable("PRISM_TEST_PG") ?? "Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres";

    /// <summary>PRISM_TEST_REDIS: StackExchange.Redis configuration string.</summary>
    public static string Redis => Environment.GetEnvironmentVariable("PRISM_TEST_REDIS") ?? "127.0.0.1:56379";

    /// <summary>PRISM_TEST_S3: the S3 endpoint (s3rver) URL; any access key/secret is accepted by s3rver.</summary>
    public static string S3Endpoint => Environment.GetEnvironmentVariable("PRISM_TEST_S3") ?? "http://127.0.0.1:54569";

    public const string S3AccessKey = "S3RVER";
    public const string S3SecretKey = "S3RVER";

    /// <summary>The shared sample data folder (<c>../shared/data</c> next to the checkout).</summary>
    public static string SharedData
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("PRISM_SHARED_DATA");
            if (!string.IsNullOrEmpty(env)) return env;
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data");
                if (Directory.Exists(candidate) && dir.Name != "main") return candidate;
                var sibling = Path.Combine(dir.FullName, "..", "shared", "data");
                if (File.Exists(Path.Combine(dir.FullName, "Prism.Orleans.sln")) && Directory.Exists(sibling))
                    return Path.GetFullPath(sibling);
                dir = dir.Parent;
            }
            throw new InvalidOperationException("shared/data not found next to the checkout; set PRISM_SHARED_DATA");
        }
    }

    public static string Products => Path.Combine(SharedData, "products");
    public static string BadInputs => Path.Combine(SharedData, "bad");

    /// <summary>A fresh, unique database name for a test class (created by the test itself).</summary>
    public static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)];

    /// <summary>A new empty temporary folder under the system temp folder.</summary>
    public static string TempFolder(string prefix)
    {
        var path = Path.Combine(Path.GetTempPath(), "prism-tests", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(path);
        return path;
    }
}
