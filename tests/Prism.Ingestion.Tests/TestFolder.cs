namespace Prism.Tests;

/// <summary>A unique temporary folder for one test, deleted afterwards.</summary>
public sealed class TestFolder : IDisposable
{
    public TestFolder(string prefix = "ingest") => Path = TestEnvironment.TempFolder(prefix);

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Total bytes of all files below <paramref name="folder"/>.</summary>
    public static long SizeOf(string folder) =>
        Directory.Exists(folder)
            ? new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : 0;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
