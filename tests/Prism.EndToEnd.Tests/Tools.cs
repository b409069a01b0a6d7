using System.Diagnostics;

namespace Prism.Tests;

/// <summary>Independent command-line tools (GDAL, tar) used to check what the server produced.</summary>
public static class Tools
{
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, IDictionary<string, string>? env = null)
    {
        var info = new ProcessStartInfo(file, args)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (env is not null) foreach (var (k, v) in env) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {await stderr}");
        return await stdout;
    }

    /// <summary>Band checksums as gdalinfo reports them.</summary>
    public static async Task<int[]> ChecksumsAsync(string path, IDictionary<string, string>? env = null)
    {
        var json = await RunAsync("gdalinfo", ["-json", "-checksum", path], env);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return doc.RootElement.GetProperty("bands").EnumerateArray().Select(b => b.GetProperty("checksum").GetInt32()).ToArray();
    }

    public static async Task<System.Text.Json.JsonDocument> InfoAsync(string path, IDictionary<string, string>? env = null) =>
        System.Text.Json.JsonDocument.Parse(await RunAsync("gdalinfo", ["-json", path], env));

    /// <summary>Unpacks a product archive with the system tar/unzip into a new folder.</summary>
    public static async Task<string> UnpackAsync(string archive)
    {
        var dir = TestEnvironment.TempFolder("unpack");
        if (archive.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
            System.IO.Compression.ZipFile.ExtractToDirectory(archive, dir);
        else
            await RunAsync("tar", ["-xf", archive, "-C", dir]);
        return dir;
    }
}
