using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Prism.Ingestion;

namespace Prism.Tests;

public sealed class ArchiveExtractorTests : IDisposable
{
    private readonly TestFolder _tmp = new("archive");

    public void Dispose() => _tmp.Dispose();

    private static string Product(string name) => Path.Combine(TestEnvironment.Products, name);
    private static string Bad(string name) => Path.Combine(TestEnvironment.BadInputs, name);

    private string Dest(string name = "out") => _tmp.Combine(name);

    private PermanentIngestException Fails(string archive, ArchiveLimits? limits = null, string dest = "out") =>
        Assert.Throws<PermanentIngestException>(() => SafeArchiveExtractor.Extract(archive, Dest(dest), limits ?? ArchiveLimits.Default));

    [Theory]
    [InlineData("MER_FRS_1P_RGB_20060816_090929.tar", ArchiveFormat.Tar, "mosaic_ENVISAT-MER_FRS_1PNPDE20060816_090929_000001972050_00222_23322_0058_RGB_reduced")]
    [InlineData("MER_FRS_1P_RGB_20060822_092058.tar", ArchiveFormat.Tar, "mosaic_ENVISAT-MER_FRS_1PNPDE20060822_092058_000001972050_00308_23408_0077_RGB_reduced")]
    [InlineData("MER_FRS_1P_RGB_20060830_100949.tar", ArchiveFormat.Tar, "mosaic_ENVISAT-MER_FRS_1PNPDE20060830_100949_000001972050_00423_23523_0079_RGB_reduced")]
    [InlineData("ASA_WSM_1P_20050331.tar.gz", ArchiveFormat.TarGz,
        "ASA_WSM_1PNDPA20050331_075939_000000552036_00035_16121_0775/ASA_WSM_1PNDPA20050331_075939_000000552036_00035_16121_0775")]
    [InlineData("WORLD_RGB_20200101.zip", ArchiveFormat.Zip, "WORLD_RGB_20200101")]
    public void Every_product_extracts_its_metadata_and_raster(string archive, ArchiveFormat format, string stem)
    {
        var package = SafeArchiveExtractor.Extract(Product(archive), Dest(), ArchiveLimits.Default);

        Assert.Equal(format, package.Format);
        var names = package.Files.Select(f => f.RelativePath).Order().ToList();
        var tifExt = archive.StartsWith("ASA", StringComparison.Ordinal) ? ".tiff" : ".tif";
        Assert.Equal(new[] { stem + tifExt, stem + ".xml" }.Order(), names);
        foreach (var f in package.Files)
        {
            Assert.True(File.Exists(f.FullPath));
            Assert.StartsWith(package.Root + Path.DirectorySeparatorChar, f.FullPath);
            Assert.Equal(new FileInfo(f.FullPath).Length, f.Length);
        }
        Assert.Equal(package.Files.Sum(f => f.Length), package.UnpackedBytes);
        Assert.Empty(package.SkippedEntries);

        var options = new PreprocessingOptions();
        Assert.EndsWith(stem + ".xml", package.FindMetadataFile(options.MetadataGlobs).Replace('\\', '/'));
        Assert.Single(package.FindDataFiles(options.DataFileGlobs));
    }

    [Fact]
    public void Extracted_files_are_byte_identical_to_the_archive_content()
    {
        var package = SafeArchiveExtractor.Extract(Product("WORLD_RGB_20200101.zip"), Dest(), ArchiveLimits.Default);
        using var zip = ZipFile.OpenRead(Product("WORLD_RGB_20200101.zip"));
        foreach (var entry in zip.Entries)
        {
            using var s = entry.Open();
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            Assert.Equal(ms.ToArray(), File.ReadAllBytes(package.FullPath(entry.FullName)));
        }
    }

    [Theory]
    [InlineData("ASA_WSM_1P_20050331.tar.gz", "renamed.zip", ArchiveFormat.TarGz)]
    [InlineData("WORLD_RGB_20200101.zip", "renamed.tar", ArchiveFormat.Zip)]
    [InlineData("MER_FRS_1P_RGB_20060816_090929.tar", "renamed.bin", ArchiveFormat.Tar)]
    public void The_format_is_detected_from_the_content_not_the_name(string archive, string newName, ArchiveFormat expected)
    {
        var copy = _tmp.Combine(newName);
        File.Copy(Product(archive), copy);
        Assert.Equal(expected, SafeArchiveExtractor.DetectFormat(copy));
        Assert.Equal(2, SafeArchiveExtractor.Extract(copy, Dest(), ArchiveLimits.Default).Files.Count);
    }

    [Fact]
    public void Not_an_archive_fails_with_a_clear_reason()
    {
        var ex = Fails(Bad("not-an-archive.tar"));
        Assert.Equal("not a tar or zip archive", ex.Message);
    }

    [Fact]
    public void Gzip_data_that_is_not_a_tar_is_not_an_archive()
    {
        var path = _tmp.Combine("plain.gz");
        using (var fs = File.Create(path))
        using (var gz = new GZipStream(fs, CompressionLevel.Fastest))
            gz.Write(Encoding.ASCII.GetBytes(new string('x', 2000)));
        Assert.Contains("not a tar or zip archive", Fails(path).Message);
    }

    [Fact]
    public void Path_traversal_fails_the_package_and_writes_nothing()
    {
        const string escaped = "/tmp/prism-escaped.txt";
        var before = File.Exists(escaped) ? File.GetLastWriteTimeUtc(escaped) : (DateTime?)null;

        var ex = Fails(Bad("path-traversal.tar"));

        Assert.Equal("archive entry '../../../../tmp/prism-escaped.txt' escapes the work folder", ex.Message);
        if (before is null) Assert.False(File.Exists(escaped), "the traversal entry was written outside the work folder");
        else Assert.Equal(before, File.GetLastWriteTimeUtc(escaped));
        // Plain tar: every name is checked before anything is written.
        Assert.Equal(0, TestFolder.SizeOf(Dest()));
        Assert.False(Directory.Exists(Path.Combine(Dest(), "link-to-etc")) || File.Exists(Path.Combine(Dest(), "link-to-etc")));
    }

    [Fact]
    public void Path_traversal_in_a_compressed_tar_fails_and_stays_inside()
    {
        var outside = _tmp.Combine("outside.txt");
        var archive = BuildTarGz(w =>
        {
            AddFile(w, "ok.xml", "<x/>");
            AddFile(w, "../outside.txt", "escaped");
        });
        var ex = Fails(archive, dest: "deep/out");
        Assert.Equal("archive entry '../outside.txt' escapes the work folder", ex.Message);
        Assert.False(File.Exists(outside));
        Assert.False(File.Exists(_tmp.Combine("deep", "outside.txt")));
    }

    [Theory]
    [InlineData("/etc/evil.txt", "has an absolute path")]
    [InlineData("a\\..\\..\\evil.txt", "contains a backslash")]
    [InlineData("C:/evil.txt", "has a drive letter")]
    [InlineData("sub/../../evil.txt", "escapes the work folder")]
    [InlineData("bad\u0001name.txt", "control characters")]
    public void Unsafe_tar_names_are_refused(string name, string reason)
    {
        var archive = BuildTar(w => AddFile(w, name, "x"));
        var ex = Fails(archive);
        Assert.Contains(reason, ex.Message);
        Assert.StartsWith("archive entry '", ex.Message);
    }

    [Theory]
    [InlineData("../evil.txt", "escapes the work folder")]
    [InlineData("/abs/evil.txt", "has an absolute path")]
    [InlineData("dir\\evil.txt", "contains a backslash")]
    public void Unsafe_zip_names_are_refused_before_anything_is_written(string name, string reason)
    {
        var path = _tmp.Combine("bad.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("fine.xml").Open()) s.Write("<x/>"u8);
            using (var s = zip.CreateEntry(name).Open()) s.Write("evil"u8);
        }
        var ex = Fails(path);
        Assert.Contains(reason, ex.Message);
        Assert.Equal(0, TestFolder.SizeOf(Dest()));
        Assert.False(File.Exists(_tmp.Combine("evil.txt")));
    }

    [Fact]
    public void Links_devices_and_fifos_are_skipped_never_created()
    {
        var archive = BuildTar(w =>
        {
            AddFile(w, "./data/a.xml", "<a/>");
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "./data/link-to-etc") { LinkName = "/etc" });
            w.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "./data/link-up") { LinkName = "../../.." });
            w.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, "./data/hard") { LinkName = "/etc/passwd" });
            w.WriteEntry(new PaxTarEntry(TarEntryType.Fifo, "./data/fifo"));
            w.WriteEntry(new PaxTarEntry(TarEntryType.CharacterDevice, "./data/null") { DeviceMajor = 1, DeviceMinor = 3 });
            AddFile(w, "./data/b.tif", "tif");
        });

        var package = SafeArchiveExtractor.Extract(archive, Dest(), ArchiveLimits.Default);

        Assert.Equal(["data/a.xml", "data/b.tif"], package.Files.Select(f => f.RelativePath));
        Assert.Equal(5, package.SkippedEntries.Count);
        Assert.Contains(package.SkippedEntries, s => s.Contains("symbolic link to '/etc' skipped"));
        Assert.Contains(package.SkippedEntries, s => s.Contains("hard link"));
        var entries = Directory.EnumerateFileSystemEntries(Path.Combine(Dest(), "data")).Select(Path.GetFileName).Order();
        Assert.Equal(["a.xml", "b.tif"], entries);
    }

    [Fact]
    public void A_symbolic_link_in_a_zip_is_skipped()
    {
        var path = _tmp.Combine("link.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using (var s = zip.CreateEntry("a.xml").Open()) s.Write("<a/>"u8);
            var link = zip.CreateEntry("etc");
            link.ExternalAttributes = (0xA000 | 0x1FF) << 16;
            using (var s = link.Open()) s.Write("/etc"u8);
        }
        var package = SafeArchiveExtractor.Extract(path, Dest(), ArchiveLimits.Default);
        Assert.Equal(["a.xml"], package.Files.Select(f => f.RelativePath));
        Assert.Single(package.SkippedEntries);
        Assert.False(File.Exists(Path.Combine(Dest(), "etc")));
    }

    [Fact]
    public void Decompression_bomb_fails_fast_without_writing_its_padding()
    {
        var limits = ArchiveLimits.Default;
        var ex = Fails(Bad("decompression-bomb.tar.gz"), limits);
        Assert.Equal($"archive entry 'padding.bin' is 3000000000 bytes, more than the per-file limit of {limits.MaxEntryBytes} bytes", ex.Message);
        Assert.True(TestFolder.SizeOf(Dest()) <= limits.MaxUnpackedBytes);
        Assert.False(File.Exists(Path.Combine(Dest(), "padding.bin")));
    }

    [Fact]
    public void Decompression_bomb_is_stopped_by_the_total_limit()
    {
        var limits = new ArchiveLimits { MaxEntryBytes = 10L << 30, MaxUnpackedBytes = 4L << 20 };
        var ex = Fails(Bad("decompression-bomb.tar.gz"), limits);
        Assert.Equal($"unpacked size exceeds the limit of {4L << 20} bytes", ex.Message);
        Assert.True(TestFolder.SizeOf(Dest()) <= limits.MaxUnpackedBytes);
    }

    [Fact]
    public void A_zip_whose_headers_understate_the_size_never_writes_more_than_the_limits()
    {
        const int actual = 8 << 20;
        var path = _tmp.Combine("liar.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var s = zip.CreateEntry("zeros.bin", CompressionLevel.Optimal).Open())
            s.Write(new byte[actual]);
        PatchZipUncompressedSizes(path, 100);

        var limits = new ArchiveLimits { MaxUnpackedBytes = 1 << 20, MaxEntryBytes = 1 << 20 };
        try
        {
            var package = SafeArchiveExtractor.Extract(path, Dest(), limits);
            // The zip reader stops at the declared size: the lie only truncates the entry.
            Assert.True(package.UnpackedBytes <= limits.MaxUnpackedBytes);
        }
        catch (PermanentIngestException ex)
        {
            Assert.True(ex.Message.Contains("limit") || ex.Message.StartsWith("corrupt archive", StringComparison.Ordinal), ex.Message);
        }
        Assert.True(TestFolder.SizeOf(Dest()) <= limits.MaxUnpackedBytes);
    }

    [Fact]
    public void The_total_of_several_files_is_limited()
    {
        var archive = BuildTarGz(w => { for (var i = 0; i < 5; i++) AddFile(w, $"f{i}.bin", new string('z', 300_000)); });
        var limits = new ArchiveLimits { MaxUnpackedBytes = 1_000_000 };
        var ex = Fails(archive, limits);
        Assert.Equal("unpacked size exceeds the limit of 1000000 bytes", ex.Message);
        Assert.True(TestFolder.SizeOf(Dest()) <= limits.MaxUnpackedBytes);
    }

    [Fact]
    public void Too_many_entries_fail()
    {
        var archive = BuildTar(w => { for (var i = 0; i < 20; i++) AddFile(w, $"f{i}.txt", "x"); });
        var ex = Fails(archive, new ArchiveLimits { MaxEntries = 10 });
        Assert.Equal("archive has more than the limit of 10 entries", ex.Message);
        Assert.Equal(0, TestFolder.SizeOf(Dest()));
    }

    [Fact]
    public void Too_many_zip_entries_fail()
    {
        var path = _tmp.Combine("many.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
            for (var i = 0; i < 20; i++) zip.CreateEntry($"f{i}.txt");
        var ex = Fails(path, new ArchiveLimits { MaxEntries = 10 });
        Assert.Equal("archive has 20 entries, more than the limit of 10", ex.Message);
    }

    [Fact]
    public void A_package_over_the_size_limit_fails()
    {
        var ex = Fails(Product("WORLD_RGB_20200101.zip"), new ArchiveLimits { MaxPackageBytes = 1000 });
        Assert.StartsWith("package size 400084 bytes exceeds the limit of 1000 bytes", ex.Message);
    }

    [Fact]
    public void A_truncated_archive_is_corrupt()
    {
        var bytes = File.ReadAllBytes(Product("MER_FRS_1P_RGB_20060816_090929.tar"));
        var path = _tmp.Combine("cut.tar");
        File.WriteAllBytes(path, bytes[..100_000]);
        var ex = Fails(path);
        Assert.StartsWith("corrupt archive", ex.Message);

        var gz = File.ReadAllBytes(Product("ASA_WSM_1P_20050331.tar.gz"));
        var gzPath = _tmp.Combine("cut.tar.gz");
        File.WriteAllBytes(gzPath, gz[..(gz.Length / 2)]);
        Assert.StartsWith("corrupt archive", Fails(gzPath, dest: "out2").Message);
    }

    [Theory]
    [InlineData("truncated-raster.tar", "TRUNC_1")]
    [InlineData("not-a-raster.tar", "NORASTER_1")]
    [InlineData("huge-dimensions.tar.gz", "HUGE_1")]
    [InlineData("invalid-time.tar", "BADMETA_1")]
    [InlineData("xxe-metadata.tar", "XXE_1")]
    public void Bad_rasters_and_bad_metadata_still_extract(string archive, string stem)
    {
        var package = SafeArchiveExtractor.Extract(Bad(archive), Dest(), ArchiveLimits.Default);
        Assert.Equal(new[] { stem + ".tif", stem + ".xml" }, package.Files.Select(f => f.RelativePath).Order());
    }

    [Fact]
    public void A_package_without_metadata_fails_when_looking_for_it()
    {
        var package = SafeArchiveExtractor.Extract(Bad("no-metadata.tar"), Dest(), ArchiveLimits.Default);
        var ex = Assert.Throws<PermanentIngestException>(() => package.FindMetadataFile(new PreprocessingOptions().MetadataGlobs));
        Assert.Equal("no metadata file found in the package (looked for *.xml)", ex.Message);
        Assert.Single(package.FindDataFiles(["*.tif"]));
        Assert.Contains("no data file found", Assert.Throws<PermanentIngestException>(() => package.FindDataFiles(["*.jp2"])).Message);
    }

    [Fact]
    public void Duplicate_names_keep_the_last_entry()
    {
        var archive = BuildTar(w => { AddFile(w, "a.txt", "first"); AddFile(w, "./a.txt", "second"); });
        var package = SafeArchiveExtractor.Extract(archive, Dest(), ArchiveLimits.Default);
        Assert.Single(package.Files);
        Assert.Equal("second", File.ReadAllText(package.Files[0].FullPath));
    }

    [Theory]
    [InlineData("*.xml", "a/b/x.XML", true)]
    [InlineData("*.xml", "x.xml.bak", false)]
    [InlineData("*GSC*.xml", "dir/ABC_GSC_1.xml", true)]
    [InlineData("sub/*.tif", "sub/a.tif", true)]
    [InlineData("sub/*.tif", "other/sub/a.tif", false)]
    [InlineData("**/data/*.tif", "x/y/data/a.tif", true)]
    [InlineData("**/data/*.tif", "data/a.tif", true)]
    [InlineData("?.tif", "ab.tif", false)]
    public void Globs_match_names_at_any_depth_or_whole_paths(string pattern, string path, bool expected) =>
        Assert.Equal(expected, new Glob(pattern).IsMatch(path));

    // ---------------------------------------------------------------- helpers

    private string BuildTar(Action<TarWriter> write)
    {
        var path = _tmp.Combine($"built-{Guid.NewGuid():N}.tar");
        using (var fs = File.Create(path))
        using (var w = new TarWriter(fs, TarEntryFormat.Pax))
            write(w);
        return path;
    }

    private string BuildTarGz(Action<TarWriter> write)
    {
        var path = _tmp.Combine($"built-{Guid.NewGuid():N}.tar.gz");
        using (var fs = File.Create(path))
        using (var gz = new GZipStream(fs, CompressionLevel.Fastest))
        using (var w = new TarWriter(gz, TarEntryFormat.Pax))
            write(w);
        return path;
    }

    private static void AddFile(TarWriter w, string name, string content) =>
        w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });

    /// <summary>Rewrites the uncompressed size in every local and central header of a zip (no zip64).</summary>
    private static void PatchZipUncompressedSizes(string path, uint size)
    {
        var b = File.ReadAllBytes(path);
        for (var i = 0; i + 4 <= b.Length; i++)
        {
            if (b[i] != 'P' || b[i + 1] != 'K') continue;
            if (b[i + 2] == 3 && b[i + 3] == 4) BitConverter.TryWriteBytes(b.AsSpan(i + 22, 4), size);
            else if (b[i + 2] == 1 && b[i + 3] == 2) BitConverter.TryWriteBytes(b.AsSpan(i + 24, 4), size);
        }
        File.WriteAllBytes(path, b);
    }
}
