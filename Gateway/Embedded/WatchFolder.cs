using Microsoft.Extensions.Options;
using Prism.Products;
using Prism.Queues;
using Prism.Silo.Hosting;
using Prism.Storage;

namespace Prism.Gateway.Embedded;

/// <summary>
/// Embedded profile: packages dropped into <c>{DataDir}/incoming</c> are moved into the input store and queued on
/// <c>preprocess_queue</c> once their size has been stable for one poll. Files that are not packages are moved
/// to <c>incoming/rejected</c>.
/// </summary>
public sealed class WatchFolder(
    IObjectStores stores,
    IQueueBroker broker,
    IOptions<QueueNames> names,
    IOptions<PrismOptions> prism,
    ILogger<WatchFolder> log) : BackgroundService
{
    public static string FolderOf(PrismOptions o) => Path.Combine(o.FullDataDir, "incoming");

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var folder = FolderOf(prism.Value);
        Directory.CreateDirectory(folder);
        log.LogInformation("Watching {Folder} for packages", folder);
        var sizes = new Dictionary<string, long>();
        while (!stop.IsCancellationRequested)
        {
            try
            {
                foreach (var file in Directory.EnumerateFiles(folder))
                {
                    var info = new FileInfo(file);
                    if (info.Name.StartsWith('.')) continue;
                    if (!sizes.TryGetValue(file, out var last) || last != info.Length)
                    {
                        sizes[file] = info.Length;
                        continue;
                    }
                    sizes.Remove(file);
                    await TakeAsync(folder, info, stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Watch folder pass failed"); }
            await Task.Delay(TimeSpan.FromSeconds(1), stop).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private async Task TakeAsync(string folder, FileInfo file, CancellationToken stop)
    {
        if (ProductKeys.FromPackagePath(file.Name) is null)
        {
            var rejected = Path.Combine(folder, "rejected");
            Directory.CreateDirectory(rejected);
            File.Move(file.FullName, Path.Combine(rejected, file.Name), overwrite: true);
            log.LogWarning("{File} is not a package name (NAME.tar|.tar.gz|.tgz|.zip); moved to rejected/", file.Name);
            return;
        }
        var key = $"incoming/{file.Name}";
        await stores.Input.PutFileAsync(key, file.FullName, "application/octet-stream", stop);
        await broker.PushAsync(names.Value.Preprocess, key, stop);
        File.Delete(file.FullName);
        log.LogInformation("Queued {File} from the watch folder", file.Name);
    }
}
