namespace Prism.Storage;

/// <summary>Local-file helpers shared by the object stores.</summary>
internal static class StoreFiles
{
    internal const int BufferSize = 128 * 1024;

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="localPath"/> through a temporary file next to it,
    /// stopping with <see cref="ObjectTooLargeException"/> as soon as more than <paramref name="maxBytes"/> bytes
    /// arrived. The destination only appears (atomically) when the copy is complete.
    /// </summary>
    internal static async Task CopyToFileAsync(Stream source, string key, string localPath, long maxBytes, CancellationToken ct)
    {
        var fullPath = Path.GetFullPath(localPath);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Join(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.part");
        try
        {
            await using (var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None,
                             BufferSize, FileOptions.Asynchronous))
            {
                var buffer = new byte[BufferSize];
                long total = 0;
                while (true)
                {
                    var read = await source.ReadAsync(buffer, ct).ConfigureAwait(false);
                    if (read == 0) break;
                    total += read;
                    if (total > maxBytes) throw new ObjectTooLargeException(key, maxBytes);
                    await target.WriteAsync(buffer.AsMemory(0, read), ct).ConfigureAwait(false);
                }
                await target.FlushAsync(ct).ConfigureAwait(false);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    internal static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Fills <paramref name="buffer"/> from <paramref name="source"/>; returns how many bytes were read
    /// (less than the buffer length only at the end of the stream).</summary>
    internal static async Task<int> ReadFullAsync(Stream source, Memory<byte> buffer, CancellationToken ct)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await source.ReadAsync(buffer[filled..], ct).ConfigureAwait(false);
            if (read == 0) break;
            filled += read;
        }
        return filled;
    }
}
