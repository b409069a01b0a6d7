namespace Prism.Ingestion;

/// <summary>The result of <see cref="SafeArchiveExtractor.Extract"/>: regular files written below
/// <see cref="Root"/>, plus the entries that were deliberately not unpacked.</summary>
public sealed class ExtractedPackage
{
    public ExtractedPackage(string root, ArchiveFormat format, IReadOnlyList<ExtractedFile> files, IReadOnlyList<string> skipped, long unpackedBytes)
    {
        Root = root;
        Format = format;
        Files = files;
        SkippedEntries = skipped;
        UnpackedBytes = unpackedBytes;
    }

    /// <summary>Absolute, normalised destination folder.</summary>
    public string Root { get; }

    public ArchiveFormat Format { get; }

    /// <summary>The regular files written, in archive order.</summary>
    public IReadOnlyList<ExtractedFile> Files { get; }

    /// <summary>Entries not unpacked, each with the reason ("link-to-etc: symbolic link skipped").</summary>
    public IReadOnlyList<string> SkippedEntries { get; }

    /// <summary>Total bytes written.</summary>
    public long UnpackedBytes { get; }

    /// <summary>Absolute path of a relative file path of <see cref="Files"/>.</summary>
    public string FullPath(string relativePath) => Path.Combine(Root, relativePath.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>Absolute paths of the files matching any of the globs (see <see cref="Glob"/>), ordered by depth then name.</summary>
    public IReadOnlyList<string> FindFiles(IEnumerable<string> globs)
    {
        var patterns = globs.Select(g => new Glob(g)).ToList();
        return Files.Where(f => patterns.Any(p => p.IsMatch(f.RelativePath)))
            .OrderBy(f => f.RelativePath.Count(c => c == '/'))
            .ThenBy(f => f.RelativePath, StringComparer.Ordinal)
            .Select(f => f.FullPath)
            .ToList();
    }

    /// <summary>The metadata document of the package: the first file matching <paramref name="globs"/> (shallowest
    /// first, then by name). Throws <see cref="PermanentIngestException"/> "no metadata file found …" when none.</summary>
    public string FindMetadataFile(IEnumerable<string> globs)
    {
        var list = globs.ToList();
        var found = FindFiles(list);
        if (found.Count == 0)
            throw new PermanentIngestException($"no metadata file found in the package (looked for {string.Join(", ", list)})");
        return found[0];
    }

    /// <summary>The raster files of the package; throws <see cref="PermanentIngestException"/> "no data file found …" when none.</summary>
    public IReadOnlyList<string> FindDataFiles(IEnumerable<string> globs)
    {
        var list = globs.ToList();
        var found = FindFiles(list);
        if (found.Count == 0)
            throw new PermanentIngestException($"no data file found in the package (looked for {string.Join(", ", list)})");
        return found;
    }
}

/// <summary>One unpacked regular file.</summary>
/// <param name="RelativePath">'/'-separated path below the destination, without a "./" prefix.</param>
/// <param name="FullPath">Absolute path on disk.</param>
/// <param name="Length">Bytes written.</param>
public sealed record ExtractedFile(string RelativePath, string FullPath, long Length);

/// <summary>Container format of a package, as detected from its first bytes.</summary>
public enum ArchiveFormat
{
    Tar,
    TarGz,
    Zip,
}
