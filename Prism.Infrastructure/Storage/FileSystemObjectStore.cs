using System.Runtime.CompilerServices;

namespace Prism.Storage;

/// <summary>
/// An <see cref="IObjectStore"/> over a local folder. Writes are atomic (a temporary file in the target folder,
/// renamed over the destination), keys are validated with <see cref="ObjectKey"/>, and every path is resolved
/// through its symbolic links and refused when it would leave the root folder.
/// </summary>
public sealed class FileSystemObjectStore : IObjectStore
{
    /// <summary>File names starting with this are in-flight writes: never listed, never accepted as keys.</summary>
    internal const string TempPrefix = ".prism-tmp-";

    private static readonly EnumerationOptions ListOptions = new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        IgnoreInaccessible = true,
        ReturnSpecialDirectories = false,
    };

    public FileSystemObjectStore(string rootFolder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(rootFolder);
        Directory.CreateDirectory(rootFolder);
        Root = Trim(RealPath(Path.GetFullPath(rootFolder)));
    }

    /// <summary>The root folder, absolute and with its symbolic links resolved.</summary>
    public string Root { get; }

    public string Location => new Uri(Root + Path.DirectorySeparatorChar).AbsoluteUri.TrimEnd('/');

    public string GdalPath(string key) => Resolve(key);

    public async Task PutAsync(string key, Stream content, string? contentType = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = Resolve(key);
        var (temp, stream) = CreateTempFile(path, key);
        try
        {
            await using (stream)
            {
                await content.CopyToAsync(stream, StoreFiles.BufferSize, ct).ConfigureAwait(false);
                await stream.FlushAsync(ct).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            // The folder was checked when the temporary file was made; check again just before publishing.
            EnsureFolderInside(Path.GetDirectoryName(path)!, key);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            StoreFiles.TryDelete(temp);
            throw;
        }
    }

    public async Task PutFileAsync(string key, string localPath, string? contentType = null, CancellationToken ct = default)
    {
        await using var source = new FileStream(localPath, FileMode.Open, FileAccess.Read, FileShare.Read,
            StoreFiles.BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await PutAsync(key, source, contentType, ct).ConfigureAwait(false);
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct = default)
    {
        var path = Resolve(key);
        return Task.FromResult<Stream?>(TryOpen(path));
    }

    public async Task DownloadToFileAsync(string key, string localPath, long maxBytes = long.MaxValue, CancellationToken ct = default)
    {
        var path = Resolve(key);
        await using var source = TryOpen(path) ?? throw new ObjectNotFoundException(key);
        if (source.Length > maxBytes) throw new ObjectTooLargeException(key, maxBytes);
        await StoreFiles.CopyToFileAsync(source, key, localPath, maxBytes, ct).ConfigureAwait(false);
    }

    public Task<ObjectInfo?> StatAsync(string key, CancellationToken ct = default)
    {
        var path = Resolve(key);
        var info = new FileInfo(path);
        if (info.LinkTarget is not null) info = new FileInfo(RealPath(path));
        return Task.FromResult(info.Exists ? ToObjectInfo(key, info) : null);
    }

    public async IAsyncEnumerable<ObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ObjectKey.ValidatePrefix(prefix);
        var items = await Task.Run(() => Collect(prefix, ct), ct).ConfigureAwait(false);
        foreach (var item in items)
        {
            ct.ThrowIfCancellationRequested();
            yield return item;
        }
    }

    public Task DeleteAsync(string key, CancellationToken ct = default)
    {
        var path = Resolve(key);
        DeleteFile(path);
        PruneEmptyFolders(Path.GetDirectoryName(path)!);
        return Task.CompletedTask;
    }

    public Task<int> DeletePrefixAsync(string prefix, CancellationToken ct = default)
    {
        ObjectKey.ValidatePrefix(prefix);
        var deleted = 0;
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in Collect(prefix, ct))
        {
            ct.ThrowIfCancellationRequested();
            var path = Resolve(item.Key);
            if (DeleteFile(path)) deleted++;
            folders.Add(Path.GetDirectoryName(path)!);
        }
        // Deepest folders first so that emptied parents can go too.
        foreach (var folder in folders.OrderByDescending(f => f.Length))
            PruneEmptyFolders(folder);
        return Task.FromResult(deleted);
    }

    /// <summary>The absolute path of a key, after validation and after checking that, with every symbolic link
    /// resolved, it stays under <see cref="Root"/>.</summary>
    private string Resolve(string key)
    {
        ObjectKey.Validate(key);
        var lastSegment = key[(key.LastIndexOf('/') + 1)..];
        if (lastSegment.StartsWith(TempPrefix, StringComparison.Ordinal))
            throw new ArgumentException($"object key '{key}' uses the reserved name prefix '{TempPrefix}'", nameof(key));
        var path = Path.GetFullPath(Path.Join(Root, key.Replace('/', Path.DirectorySeparatorChar)));
        EnsureInside(path, key);
        EnsureInside(RealPath(path), key);
        return path;
    }

    private void EnsureInside(string path, string key)
    {
        if (!IsInside(path))
            throw new ArgumentException($"object key '{key}' resolves outside the store root '{Root}'", nameof(key));
    }

    private void EnsureFolderInside(string folder, string key)
    {
        var real = Trim(RealPath(folder));
        if (real != Root && !IsInside(real))
            throw new ArgumentException($"object key '{key}' resolves outside the store root '{Root}'", nameof(key));
    }

    private bool IsInside(string path) =>
        path.Length > Root.Length + 1
        && path.StartsWith(Root, StringComparison.Ordinal)
        && path[Root.Length] == Path.DirectorySeparatorChar;

    private (string Temp, FileStream Stream) CreateTempFile(string path, string key)
    {
        var folder = Path.GetDirectoryName(path)!;
        for (var attempt = 0; ; attempt++)
        {
            Directory.CreateDirectory(folder);
            EnsureFolderInside(folder, key);
            var temp = Path.Join(folder, TempPrefix + Guid.NewGuid().ToString("N"));
            try
            {
                var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None,
                    StoreFiles.BufferSize, FileOptions.Asynchronous);
                return (temp, stream);
            }
            catch (DirectoryNotFoundException) when (attempt < 3)
            {
                // A concurrent delete pruned the (then empty) folder; make it again.
            }
        }
    }

    private static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                StoreFiles.BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException) { return null; }
        catch (DirectoryNotFoundException) { return null; }
        catch (UnauthorizedAccessException) when (Directory.Exists(path)) { return null; }
    }

    private static bool DeleteFile(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            File.Delete(path);
            return true;
        }
        catch (DirectoryNotFoundException) { return false; }
        catch (FileNotFoundException) { return false; }
    }

    private void PruneEmptyFolders(string folder)
    {
        var current = Trim(folder);
        while (IsInside(current))
        {
            try
            {
                if (Directory.EnumerateFileSystemEntries(current).Any()) return;
                Directory.Delete(current, recursive: false);
            }
            catch (IOException) { return; }
            catch (UnauthorizedAccessException) { return; }
            current = Path.GetDirectoryName(current)!;
        }
    }

    private List<ObjectInfo> Collect(string prefix, CancellationToken ct)
    {
        var result = new List<ObjectInfo>();
        var slash = prefix.LastIndexOf('/');
        var startKey = slash < 0 ? "" : prefix[..slash];
        var start = startKey.Length == 0 ? Root : Path.Join(Root, startKey.Replace('/', Path.DirectorySeparatorChar));
        // Listing never walks through symbolic links to folders: a start folder reached through one is empty.
        if (!Directory.Exists(start) || !string.Equals(RealPath(start), start, StringComparison.Ordinal))
            return result;
        var pending = new Stack<(DirectoryInfo Folder, string KeyPrefix)>();
        pending.Push((new DirectoryInfo(start), startKey.Length == 0 ? "" : startKey + "/"));
        while (pending.Count > 0)
        {
            ct.ThrowIfCancellationRequested();
            var (folder, keyPrefix) = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try { entries = folder.EnumerateFileSystemInfos("*", ListOptions).ToList(); }
            catch (DirectoryNotFoundException) { continue; }
            foreach (var entry in entries)
            {
                var key = keyPrefix + entry.Name;
                if (entry is DirectoryInfo directory)
                {
                    if (directory.LinkTarget is not null) continue;
                    var folderKey = key + "/";
                    // Only descend where keys matching the prefix can live.
                    if (folderKey.StartsWith(prefix, StringComparison.Ordinal) || prefix.StartsWith(folderKey, StringComparison.Ordinal))
                        pending.Push((directory, folderKey));
                    continue;
                }
                if (entry is not FileInfo file) continue;
                if (file.Name.StartsWith(TempPrefix, StringComparison.Ordinal)) continue;
                if (!key.StartsWith(prefix, StringComparison.Ordinal) || !ObjectKey.IsValid(key)) continue;
                if (file.LinkTarget is not null)
                {
                    var target = RealPath(file.FullName);
                    if (!IsInside(target) || !File.Exists(target)) continue;
                    file = new FileInfo(target);
                }
                try
                {
                    if (!file.Exists) continue;
                    result.Add(ToObjectInfo(key, file));
                }
                catch (IOException) { }
            }
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }

    private static ObjectInfo ToObjectInfo(string key, FileInfo info) =>
        new(key, info.Length, new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero));

    private static string Trim(string path)
    {
        var root = Path.GetPathRoot(path) ?? "";
        return path.Length > root.Length ? path.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) : path;
    }

    /// <summary>
    /// The canonical form of an absolute path: every symbolic link on it resolved (like POSIX realpath, but the
    /// path need not exist; components that do not exist are kept as written).
    /// </summary>
    internal static string RealPath(string absolutePath)
    {
        var separators = new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar };
        var current = Path.GetPathRoot(absolutePath);
        if (string.IsNullOrEmpty(current)) throw new ArgumentException($"'{absolutePath}' is not an absolute path", nameof(absolutePath));
        var pending = new Stack<string>(absolutePath[current.Length..].Split(separators, StringSplitOptions.RemoveEmptyEntries).Reverse());
        var links = 0;
        while (pending.Count > 0)
        {
            var part = pending.Pop();
            if (part == ".") continue;
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            var next = Path.Join(current, part);
            string? target;
            try { target = new FileInfo(next).LinkTarget; }
            catch (IOException) { target = null; }
            catch (UnauthorizedAccessException) { target = null; }
            if (target is null)
            {
                current = next;
                continue;
            }
            if (++links > 40) throw new IOException($"too many levels of symbolic links in '{absolutePath}'");
            var targetRoot = Path.GetPathRoot(target);
            if (!string.IsNullOrEmpty(targetRoot))
            {
                current = targetRoot;
                target = target[targetRoot.Length..];
            }
            foreach (var p in target.Split(separators, StringSplitOptions.RemoveEmptyEntries).Reverse())
                pending.Push(p);
        }
        return current;
    }
}
