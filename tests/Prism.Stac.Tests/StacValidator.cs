using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Prism.Stac.Tests;

/// <summary>
/// Runs the npm package <c>stac-node-validator</c> (installed by <c>npm ci</c> in <c>tools/</c>; ajv + ajv-formats) on
/// saved responses, offline: the STAC 1.0.0 core schemas and the eo/sat extension schemas are the official files
/// kept in <c>stac-schemas/</c> (no npm package ships them), the GeoJSON schemas come from the npm package
/// <c>geojson-schema</c>; every schema URL is mapped to a local file, so nothing is fetched at run time.
/// </summary>
public static class StacValidator
{
    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Prism.Orleans.sln"))) return dir.FullName;
            throw new InvalidOperationException("the checkout (Prism.Orleans.sln) was not found above the test binaries");
        }
    }

    /// <summary>Validates the documents (written to files); returns the exit code and the validator's output.</summary>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(string folder, IReadOnlyDictionary<string, JsonNode> documents)
    {
        var modules = Path.Combine(RepoRoot, "tools", "node_modules");
        var cli = Path.Combine(modules, "stac-node-validator", "bin", "cli.js");
        var geojson = Path.Combine(modules, "geojson-schema");
        if (!File.Exists(cli) || !Directory.Exists(geojson))
            throw new InvalidOperationException($"stac-node-validator/geojson-schema are not installed: run 'npm ci' in {Path.Combine(RepoRoot, "tools")}");
        var schemas = Path.Combine(AppContext.BaseDirectory, "stac-schemas");
        var files = new List<string>();
        foreach (var (name, doc) in documents)
        {
            var file = Path.Combine(folder, name + ".json");
            await File.WriteAllTextAsync(file, doc.ToJsonString());
            files.Add(file);
        }
        var config = new JsonObject
        {
            ["files"] = new JsonArray(files.Select(f => (JsonNode)JsonValue.Create(f)).ToArray()),
            ["schemas"] = Path.Combine(schemas, "stac-spec", "v1.0.0"),
            // "url=path" entries (the array form; stac-node-validator 1.3.2 reads the map that way).
            ["schemaMap"] = new JsonArray(
                $"https://stac-extensions.github.io/eo/v1.0.0/schema.json={Path.Combine(schemas, "eo", "v1.0.0", "schema.json")}",
                $"https://stac-extensions.github.io/sat/v1.0.0/schema.json={Path.Combine(schemas, "sat", "v1.0.0", "schema.json")}",
                $"https://geojson.org/schema/Feature.json={Path.Combine(geojson, "Feature.json")}",
                $"https://geojson.org/schema/Geometry.json={Path.Combine(geojson, "Geometry.json")}"),
            ["verbose"] = true,
        };
        var configFile = Path.Combine(folder, "stac-validator-config.json");
        await File.WriteAllTextAsync(configFile, config.ToJsonString());
        var info = new ProcessStartInfo("node", [cli, "--config", configFile])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        return (p.ExitCode, await stdout + await stderr);
    }
}
