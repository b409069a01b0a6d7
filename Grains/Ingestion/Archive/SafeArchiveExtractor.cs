using Prism.IO;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Prism.Ingestion;

/// <summary>
/// Unpacks a product package (<c>.tar</c>, <c>.tar.gz</c>/<c>.tgz</c>, <c>.zip</c>) into a work folder without
/// trusting anything in it. The format is detected from the first bytes, never from the file name.
/// <para>Rules:</para>
/// <list type="bullet">
/// <item>Entry names must be relative and stay inside the destination: absolute names, <c>..</c> segments, drive
/// letters, backslashes and control characters are refused. <b>Policy: an unsafe entry name fails the whole
/// package</b> (<see cref="PermanentIngestException"/>) rather than being skipped, because a package that tries to
/// write outside its folder is hostile or broken and none of its content can be trusted. For <c>.tar</c> and
/// <c>.zip</c> every name is checked before anything is written; for <c>.tar.gz</c> (one streaming pass) the
/// files before the offending entry may already be in the destination.</item>
/// <item>Symbolic links and hard links are skipped (never created, never followed); devices, FIFOs and other
/// special entries are skipped. Skipped entries are listed in <see cref="ExtractedPackage.SkippedEntries"/>.</item>
/// <item>Every path written is resolved and verified to be below the destination, and no existing component of it
/// may be a link.</item>
/// <item><see cref="ArchiveLimits"/> are checked on the headers and again on the bytes actually produced while
/// streaming; writing stops before a limit would be passed, so a decompression bomb never writes more than the
/// limit, whatever its headers claim.</item>
/// </list>
/// The caller owns the destination folder: on failure it may hold partial content and should be deleted.
/// All failures caused by the package throw <see cref="PermanentIngestException"/> with a readable reason; I/O
/// errors of the local disk propagate unchanged (they are transient).
/// </summary>
public static class SafeArchiveExtractor
{
    private const int MaxNameLength = 1024;
    private const int MaxSegmentBytes = 255;

    public static ExtractedPackage Extract(string archivePath, string destinationFolder, ArchiveLimits limits)
    {
        ArgumentException.ThrowIfNullOrEmpty(archivePath);
        ArgumentException.ThrowIfNullOrEmpty(destinationFolder);
        ArgumentNullException.ThrowIfNull(limits);

        var info = new FileInfo(archivePath);
        if (!info.Exists) throw new FileNotFoundException($"package '{archivePath}' not found", archivePath);
        if (info.Length > limits.MaxPackageBytes)
            throw new PermanentIngestException($"package size {info.Length} bytes exceeds the limit of {limits.MaxPackageBytes} bytes");

        var format = DetectFormat(archivePath);
        var root = Path.GetFullPath(destinationFolder);
        Directory.CreateDirectory(root);
        var state = new State(root, limits);

        try
        {
            switch (format)
            {
                case ArchiveFormat.Tar:
                    using (var fs = OpenRead(archivePath)) ScanTar(fs, state);
                    using (var fs = OpenRead(archivePath)) ExtractTar(fs, state);
                    break;
                case ArchiveFormat.TarGz:
                    using (var fs = OpenRead(archivePath))
                    using (var gz = new GZipStream(fs, CompressionMode.Decompress))
                    using (var bounded = new LimitedReadStream(gz, DecompressedStreamLimit(limits), () => UnpackedLimit(limits)))
                        ExtractTar(bounded, state);
                    break;
                case ArchiveFormat.Zip:
                    using (var fs = OpenRead(archivePath)) ExtractZip(fs, state);
                    break;
            }
        }
        catch (InvalidDataException ex) { throw Corrupt(ex); }
        catch (FormatException ex) { throw Corrupt(ex); }
        catch (EndOfStreamException ex) { throw new PermanentIngestException("corrupt archive: unexpected end of data (truncated package?)", ex); }
        catch (OverflowException ex) { throw Corrupt(ex); }

        return new ExtractedPackage(root, format, state.Files, state.Skipped, state.TotalBytes);
    }

    /// <summary>The container format from the first bytes of the file; <see cref="PermanentIngestException"/> when
    /// it is none of the supported ones.</summary>
    public static ArchiveFormat DetectFormat(string archivePath)
    {
        var head = new byte[512];
        int n;
        using (var fs = OpenRead(archivePath)) n = ReadFully(fs, head);
        var span = head.AsSpan(0, n);

        if (span.StartsWith(new byte[] { 0x1F, 0x8B }))
        {
            var inner = new byte[512];
            int m;
            try
            {
                using var fs = OpenRead(archivePath);
                using var gz = new GZipStream(fs, CompressionMode.Decompress);
                m = ReadFully(gz, inner);
            }
            catch (InvalidDataException ex) { throw new PermanentIngestException("corrupt archive: invalid gzip data", ex); }
            if (m == 512 && IsTarHeader(inner)) return ArchiveFormat.TarGz;
            throw new PermanentIngestException("not a tar or zip archive (gzip-compressed data that is not a tar)");
        }
        if (span.StartsWith("PK\x03\x04"u8) || span.StartsWith("PK\x05\x06"u8)) return ArchiveFormat.Zip;
        if (n == 512 && IsTarHeader(head)) return ArchiveFormat.Tar;
        if (span.StartsWith("BZh"u8)) throw Unsupported("bzip2");
        if (span.StartsWith(new byte[] { 0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00 })) throw Unsupported("xz");
        if (span.StartsWith(new byte[] { 0x28, 0xB5, 0x2F, 0xFD })) throw Unsupported("zstd");
        if (span.StartsWith(new byte[] { 0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C })) throw Unsupported("7z");
        if (span.StartsWith("Rar!"u8)) throw Unsupported("rar");
        throw new PermanentIngestException("not a tar or zip archive");
    }

    private static PermanentIngestException Unsupported(string kind) =>
        new($"not a tar or zip archive ({kind} packages are not supported; use .tar, .tar.gz or .zip)");

    private static PermanentIngestException Corrupt(Exception ex) => new($"corrupt archive: {ex.Message}", ex);

    private static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);

    private static int ReadFully(Stream s, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var r = s.Read(buffer, total, buffer.Length - total);
            if (r == 0) break;
            total += r;
        }
        return total;
    }

    /// <summary>A ustar/GNU header ("ustar" magic at 257), or an old V7 header with a valid checksum, or the
    /// all-zero block of an empty tar.</summary>
    private static bool IsTarHeader(ReadOnlySpan<byte> block)
    {
        if (block.Length < 512) return false;
        if (block.Slice(257, 5).SequenceEqual("ustar"u8)) return true;
        if (!block.ContainsAnyExcept((byte)0)) return true;
        long stored = 0;
        var digits = 0;
        foreach (var b in block.Slice(148, 8))
        {
            if (b is (byte)' ' or 0) { if (digits > 0) break; continue; }
            if (b is < (byte)'0' or > (byte)'7') return false;
            stored = stored * 8 + (b - '0');
            digits++;
        }
        if (digits == 0) return false;
        long sum = 0;
        for (var i = 0; i < 512; i++) sum += i is >= 148 and < 156 ? ' ' : block[i];
        return sum == stored;
    }

    /// <summary>Bound on the raw decompressed tar stream: the file bytes plus generous room for headers and padding.</summary>
    private static long DecompressedStreamLimit(ArchiveLimits limits) =>
        limits.MaxUnpackedBytes + (long)limits.MaxEntries * 4096 + (1L << 20);

    // ---------------------------------------------------------------- tar

    private static bool IsRegular(TarEntryType t) =>
        t is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile;

    /// <summary>Header-only pass over a seekable tar: names, types, counts and declared sizes, nothing written.</summary>
    private static void ScanTar(Stream stream, State state)
    {
        var scan = new State(state.Root, state.Limits);
        using var reader = new TarReader(stream, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            scan.CountEntry();
            var rel = ValidateName(entry.Name);
            if (IsRegular(entry.EntryType) && rel is not null && !entry.Name.EndsWith('/'))
                scan.CheckDeclared(rel, entry.Length);
        }
    }

    private static void ExtractTar(Stream stream, State state)
    {
        using var reader = new TarReader(stream, leaveOpen: true);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            state.CountEntry();
            var rel = ValidateName(entry.Name);
            var type = entry.EntryType;
            // Old tars mark folders with a trailing slash on a regular-file entry.
            if (type == TarEntryType.V7RegularFile && entry.Name.EndsWith('/')) type = TarEntryType.Directory;

            switch (type)
            {
                case var t when IsRegular(t):
                    if (rel is null) throw new PermanentIngestException($"archive entry '{Printable(entry.Name)}' is a file without a name");
                    state.CheckDeclared(rel, entry.Length);
                    state.WriteFile(rel, entry.DataStream);
                    break;
                case TarEntryType.Directory:
                    if (rel is not null) state.CreateDirectory(rel);
                    break;
                case TarEntryType.SymbolicLink:
                    state.Skip(entry.Name, $"symbolic link to '{Printable(entry.LinkName)}' skipped");
                    break;
                case TarEntryType.HardLink:
                    state.Skip(entry.Name, $"hard link to '{Printable(entry.LinkName)}' skipped");
                    break;
                case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                    state.Skip(entry.Name, $"{type} entry skipped");
                    break;
                case TarEntryType.GlobalExtendedAttributes:
                    break;
                default:
                    state.Skip(entry.Name, $"unsupported entry type {type} skipped");
                    break;
            }
        }
    }

    // ---------------------------------------------------------------- zip

    private const int UnixTypeMask = 0xF000, UnixDirectory = 0x4000, UnixRegular = 0x8000, UnixSymlink = 0xA000;

    private static void ExtractZip(Stream stream, State state)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var entries = zip.Entries;
        if (entries.Count > state.Limits.MaxEntries)
            throw new PermanentIngestException($"archive has {entries.Count} entries, more than the limit of {state.Limits.MaxEntries}");

        // Whole-archive check from the central directory before anything is written.
        var scan = new State(state.Root, state.Limits);
        foreach (var e in entries)
        {
            var rel = ValidateName(e.FullName);
            if (rel is not null && ZipKind(e) == UnixRegular) scan.CheckDeclared(rel, e.Length);
        }

        foreach (var e in entries)
        {
            state.CountEntry();
            var rel = ValidateName(e.FullName);
            switch (ZipKind(e))
            {
                case UnixDirectory:
                    if (rel is not null) state.CreateDirectory(rel);
                    break;
                case UnixRegular:
                    if (rel is null) throw new PermanentIngestException($"archive entry '{Printable(e.FullName)}' is a file without a name");
                    if (e.IsEncrypted) throw new PermanentIngestException($"archive entry '{Printable(e.FullName)}' is encrypted");
                    state.CheckDeclared(rel, e.Length);
                    using (var data = e.Open()) state.WriteFile(rel, data);
                    break;
                case UnixSymlink:
                    state.Skip(e.FullName, "symbolic link skipped");
                    break;
                default:
                    state.Skip(e.FullName, "special entry (device, FIFO or socket) skipped");
                    break;
            }
        }
    }

    /// <summary>Regular file, folder, link or other, from the Unix mode in the external attributes (when the zip was
    /// made on Unix) or else from the name.</summary>
    private static int ZipKind(ZipArchiveEntry e)
    {
        var mode = (e.ExternalAttributes >> 16) & 0xFFFF;
        var type = mode & UnixTypeMask;
        if (type == 0) return e.FullName.EndsWith('/') ? UnixDirectory : UnixRegular;
        if (type == UnixRegular && e.FullName.EndsWith('/')) return UnixDirectory;
        return type;
    }

    // ---------------------------------------------------------------- names

    /// <summary>
    /// Validates an entry name and returns it as a normalised relative path ('/'-separated, without "." segments),
    /// or null for the archive root itself ("./"). Throws <see cref="PermanentIngestException"/> for any name that
    /// could escape or is otherwise unsafe.
    /// </summary>
    internal static string? ValidateName(string name)
    {
        if (name.Length > MaxNameLength)
            throw new PermanentIngestException($"archive entry '{Printable(name)}' has a name longer than {MaxNameLength} characters");
        foreach (var c in name)
        {
            if (char.IsControl(c))
                throw new PermanentIngestException($"archive entry '{Printable(name)}' has control characters in its name");
        }
        if (name.Contains('\\'))
            throw new PermanentIngestException($"archive entry '{Printable(name)}' contains a backslash and may escape the work folder");
        if (name.StartsWith('/'))
            throw new PermanentIngestException($"archive entry '{Printable(name)}' has an absolute path and escapes the work folder");
        if (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':')
            throw new PermanentIngestException($"archive entry '{Printable(name)}' has a drive letter and escapes the work folder");

        var parts = new List<string>();
        foreach (var segment in name.Split('/'))
        {
            if (segment is "" or ".") continue;
            if (segment == "..")
                throw new PermanentIngestException($"archive entry '{Printable(name)}' escapes the work folder");
            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
                throw new PermanentIngestException($"archive entry '{Printable(name)}' has a path segment longer than {MaxSegmentBytes} bytes");
            parts.Add(segment);
        }
        return parts.Count == 0 ? null : string.Join('/', parts);
    }

    /// <summary>An entry name safe to put in a message: control characters replaced, at most 200 characters.</summary>
    internal static string Printable(string? name)
    {
        if (string.IsNullOrEmpty(name)) return "";
        var sb = new StringBuilder(Math.Min(name.Length, 201));
        foreach (var c in name.Length > 200 ? name[..200] : name) sb.Append(char.IsControl(c) ? '?' : c);
        if (name.Length > 200) sb.Append('…');
        return sb.ToString();
    }

    // ---------------------------------------------------------------- state

    private sealed class State(string root, ArchiveLimits limits)
    {
        public string Root { get; } = root;
        public ArchiveLimits Limits { get; } = limits;
        public List<ExtractedFile> Files { get; } = [];
        public List<string> Skipped { get; } = [];
        public long TotalBytes { get; private set; }
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private long _declaredBytes;
        private int _entries;
        private readonly string _rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;

        public void CountEntry()
        {
            if (++_entries > Limits.MaxEntries)
                throw new PermanentIngestException($"archive has more than the limit of {Limits.MaxEntries} entries");
        }

        public void CheckDeclared(string rel, long length)
        {
            if (length < 0) throw new PermanentIngestException($"archive entry '{Printable(rel)}' has an invalid size");
            if (length > Limits.MaxEntryBytes)
                throw new PermanentIngestException($"archive entry '{Printable(rel)}' is {length} bytes, more than the per-file limit of {Limits.MaxEntryBytes} bytes");
            _declaredBytes += length;
            if (_declaredBytes > Limits.MaxUnpackedBytes)
                throw UnpackedLimit(Limits);
        }

        public void Skip(string name, string reason) => Skipped.Add($"{Printable(name)}: {reason}");

        public void CreateDirectory(string rel)
        {
            var full = Resolve(rel);
            EnsureNoLinks(full);
            if (File.Exists(full)) throw new PermanentIngestException($"archive entry '{Printable(rel)}' is both a file and a folder");
            Directory.CreateDirectory(full);
        }

        public void WriteFile(string rel, Stream? data)
        {
            var full = Resolve(rel);
            var dir = Path.GetDirectoryName(full)!;
            EnsureNoLinks(dir);
            if (File.Exists(dir)) throw new PermanentIngestException($"archive entry '{Printable(rel)}' is inside a path that is a file");
            Directory.CreateDirectory(dir);
            EnsureNoLinks(full);
            if (Directory.Exists(full)) throw new PermanentIngestException($"archive entry '{Printable(rel)}' is both a file and a folder");

            long written = 0;
            using (var output = new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                if (data is not null)
                {
                    var buffer = new byte[1 << 16];
                    int n;
                    while ((n = data.Read(buffer, 0, buffer.Length)) > 0)
                    {
                        if (written + n > Limits.MaxEntryBytes)
                            throw new PermanentIngestException($"archive entry '{Printable(rel)}' unpacks to more than the per-file limit of {Limits.MaxEntryBytes} bytes");
                        if (TotalBytes + n > Limits.MaxUnpackedBytes)
                            throw UnpackedLimit(Limits);
                        output.Write(buffer, 0, n);
                        written += n;
                        TotalBytes += n;
                    }
                }
            }
            // A later entry of the same name replaces the earlier one.
            if (!_names.Add(rel)) Files.RemoveAll(f => f.RelativePath == rel);
            Files.Add(new ExtractedFile(rel, full, written));
        }

        /// <summary>Full path of a validated relative path, verified to be strictly inside the root.</summary>
        private string Resolve(string rel)
        {
            var full = Path.GetFullPath(Path.Combine(Root, rel.Replace('/', Path.DirectorySeparatorChar)));
            if (!full.StartsWith(_rootWithSeparator, StringComparison.Ordinal))
                throw new PermanentIngestException($"archive entry '{Printable(rel)}' escapes the work folder");
            return full;
        }

        /// <summary>No existing component between the root and <paramref name="full"/> may be a link (we never create
        /// links, but the folder might not be fresh).</summary>
        private void EnsureNoLinks(string full)
        {
            var relative = Path.GetRelativePath(Root, full);
            if (relative == ".") return;
            var current = Root;
            foreach (var part in relative.Split(Path.DirectorySeparatorChar))
            {
                current = Path.Combine(current, part);
                FileSystemInfo fi = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
                if (!fi.Exists) return;
                if (fi.LinkTarget is not null)
                    throw new PermanentIngestException($"archive entry '{Printable(Path.GetRelativePath(Root, full))}' would be written through a link");
            }
        }
    }

    private static PermanentIngestException UnpackedLimit(ArchiveLimits limits) =>
        new($"unpacked size exceeds the limit of {limits.MaxUnpackedBytes} bytes");
}
