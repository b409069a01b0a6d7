namespace Prism.Ingestion;

/// <summary>Resource limits applied while unpacking a package. Every limit is checked against the entry headers
/// first and again against the bytes actually produced while streaming, so an archive whose headers lie cannot
/// get past them.</summary>
public sealed record ArchiveLimits
{
    /// <summary>Largest accepted package file (compressed), in bytes. Default 2 GiB.</summary>
    public long MaxPackageBytes { get; init; } = 2L << 30;

    /// <summary>Largest total of unpacked file bytes. Default 4 GiB.</summary>
    public long MaxUnpackedBytes { get; init; } = 4L << 30;

    /// <summary>Largest number of entries of any kind (files, folders, links, …). Default 10 000.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>Largest single unpacked file, in bytes. Default 2 GiB.</summary>
    public long MaxEntryBytes { get; init; } = 2L << 30;

    public static ArchiveLimits Default { get; } = new();
}
