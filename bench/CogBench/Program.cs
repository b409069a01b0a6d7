// Times CogConverter.Convert (in process) against GDAL's command-line tools doing the same work with the same
// options: gdal_translate -of COG <the converter's own arguments>, preceded by gdalwarp <the converter's warp
// arguments> for GCP-only rasters. Usage: CogBench [--repeat N] [--out DIR] raster...
using System.Diagnostics;
using System.Globalization;
using Prism.Gdal;

var repeat = 3;
var outDir = Path.Combine(Path.GetTempPath(), $"cog-bench-{Environment.ProcessId}");
var files = new List<string>();
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--repeat": repeat = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--out": outDir = args[++i]; break;
        default: files.Add(args[i]); break;
    }
}
if (files.Count == 0)
{
    Console.Error.WriteLine("usage: CogBench [--repeat N] [--out DIR] raster...");
    return 2;
}
Directory.CreateDirectory(outDir);
GdalRuntime.EnsureInitialized();
Console.WriteLine($"GDAL {GdalRuntime.Version}, cache {GdalRuntime.CacheMaxBytes / 1024 / 1024} MB, repeat {repeat} (median reported)");

// Cost of starting a GDAL command-line process at all (driver registration included): part of every CLI time.
var startup = Median(Enumerable.Range(0, 5).Select(_ => Time(() => Cli("gdal_translate", ["--version"]))).ToList());
Console.WriteLine($"gdal_translate process start-up: {startup:F3} s");
Console.WriteLine();
Console.WriteLine($"{"raster",-48} {"size",-16} {"warp",-5} {"gdal CLI s",10} {"project s",10} {"ratio",7} {"ratio*",7}");

var totalCli = 0.0;
var totalProject = 0.0;
foreach (var file in files)
{
    var name = Path.GetFileName(file);
    var request = new CogRequest { SourcePath = file, DestinationPath = Path.Combine(outDir, "project.tif"), MaxPixels = null, MaxWidth = null, MaxHeight = null };
    // First conversion: warms the page cache and gives the exact arguments used.
    var first = CogConverter.Convert(request);
    string[]? warpArgs = null;
    if (first.Warped)
    {
        using var src = GdalDataset.Open(file);
        warpArgs = CogConverter.BuildWarpArguments(request, src, gcpOnly: !src.TryGetGeoTransform(out _), request.TargetCrs ?? request.Warp.TargetCrs);
    }

    var project = new List<double>();
    var cli = new List<double>();
    for (var r = 0; r < repeat; r++)
    {
        var dst = Path.Combine(outDir, "gdal.tif");
        var tmp = Path.Combine(outDir, "gdal-warped.tif");
        File.Delete(dst);
        File.Delete(tmp);
        cli.Add(Time(() =>
        {
            if (warpArgs is null)
            {
                Cli("gdal_translate", ["-q", .. first.TranslateArguments, file, dst]);
            }
            else
            {
                Cli("gdalwarp", ["-q", .. warpArgs, file, tmp]);
                Cli("gdal_translate", ["-q", .. first.TranslateArguments, tmp, dst]);
            }
        }));
        File.Delete(request.DestinationPath);
        project.Add(Time(() => CogConverter.Convert(request)));
    }
    double c = Median(cli), p = Median(project);
    var launches = warpArgs is null ? 1 : 2;
    var corrected = Math.Max(1e-6, c - launches * startup);
    totalCli += c;
    totalProject += p;
    var size = $"{first.Output.Width}x{first.Output.Height}x{first.Output.BandCount}";
    Console.WriteLine($"{Shorten(name, 48),-48} {size,-16} {(first.Warped ? "yes" : "no"),-5} {c,10:F3} {p,10:F3} {p / c,7:F2} {p / corrected,7:F2}");
}
Console.WriteLine();
Console.WriteLine($"total: gdal CLI {totalCli:F3} s, project {totalProject:F3} s, ratio (project/gdal) {totalProject / totalCli:F2}");
Console.WriteLine("ratio* = project / (CLI time minus process start-up): the in-process work against GDAL's own work.");
try { Directory.Delete(outDir, recursive: true); } catch (IOException) { }
return 0;

static double Time(Action action)
{
    var sw = Stopwatch.StartNew();
    action();
    return sw.Elapsed.TotalSeconds;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

static void Cli(string tool, IEnumerable<string> arguments)
{
    var psi = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in arguments) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {tool}");
    var stdout = p.StandardOutput.ReadToEndAsync();
    var stderr = p.StandardError.ReadToEndAsync();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed ({p.ExitCode}): {stderr.Result}");
    _ = stdout.Result;
}

static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 3)] + "...";
