using System.Runtime.InteropServices;
using System.Text;
using Prism.Gdal;

namespace Prism.Tests.Gdal;

[CollectionDefinition(nameof(StderrCollection), DisableParallelization = true)]
public sealed class StderrCollection;

/// <summary>
/// GDAL errors must not reach the process's stderr: fd 2 is redirected to a file while failing GDAL calls run
/// (in a collection that runs alone, so no other test writes meanwhile).
/// </summary>
[Collection(nameof(StderrCollection))]
public sealed partial class StderrTests(GdalTestData data) : IClassFixture<GdalTestData>
{
    [LibraryImport("libc", SetLastError = true)] private static partial int dup(int fd);
    [LibraryImport("libc", SetLastError = true)] private static partial int dup2(int oldFd, int newFd);
    [LibraryImport("libc", SetLastError = true)] private static partial int close(int fd);
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)] private static partial int open(string path, int flags, int mode);

    [Fact]
    public void Gdal_errors_are_exceptions_and_never_written_to_stderr()
    {
        GdalRuntime.EnsureInitialized();
        var logged = new List<GdalMessage>();
        void OnMessage(GdalMessage m) { lock (logged) logged.Add(m); }
        var capture = Path.Combine(TestEnvironment.TempFolder("stderr"), "stderr.txt");
        const int O_WRONLY = 1, O_CREAT = 0x40, O_TRUNC = 0x200;
        var fd = open(capture, O_WRONLY | O_CREAT | O_TRUNC, Convert.ToInt32("644", 8));
        Assert.True(fd >= 0, $"open failed: {Marshal.GetLastPInvokeError()}");
        var saved = dup(2);
        Assert.True(saved >= 0);
        var messages = new List<string>();
        GdalRuntime.MessageLogged += OnMessage;
        try
        {
            Assert.True(dup2(fd, 2) >= 0);
            messages.Add(Assert.Throws<InvalidRasterException>(() => GdalDataset.Open(data.NotARaster)).Message);
            messages.Add(Assert.Throws<InvalidRasterException>(() => CogConverter.Convert(new CogRequest
                { SourcePath = data.Truncated, DestinationPath = Path.Combine(Path.GetDirectoryName(capture)!, "t.tif") })).Message);
            using (var ds = GdalDataset.Open(data.Truncated))
                messages.Add(Assert.Throws<InvalidRasterException>(() => ds.GetBand(1).Checksum()).Message);
            messages.Add(Assert.Throws<GdalException>(() => GdalUtils.Translate(data.World, "/nonexistent-dir/x.tif", [])).Message);
        }
        finally
        {
            dup2(saved, 2);
            close(saved);
            close(fd);
            GdalRuntime.MessageLogged -= OnMessage;
        }

        var written = File.ReadAllText(capture, Encoding.UTF8);
        Assert.True(written.Length == 0, $"stderr received: {written}");
        Assert.Contains("not recognized as a supported file format", messages[0]);
        Assert.Contains("TIFFReadEncodedStrip", messages[1]);
        Assert.Contains("TIFFReadEncodedStrip", messages[2]);
        Assert.Contains("nonexistent-dir", messages[3]);
        lock (logged) Assert.Contains(logged, m => m.Class == GdalErrorClass.Failure && m.Text.Contains("not recognized"));
    }
}
