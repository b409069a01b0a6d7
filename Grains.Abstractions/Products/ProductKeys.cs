using System.Text.RegularExpressions;

namespace Prism.Products;

/// <summary>Derives product keys from queue messages; a key is 1–200 characters of [A-Za-z0-9._-].</summary>
public static partial class ProductKeys
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex KeyPattern();

    public static bool IsValid(string? key) => key is not null && KeyPattern().IsMatch(key) && !key.Contains("..");

    private static readonly string[] PackageExtensions = [".tar.gz", ".tgz", ".tar", ".zip"];

    /// <summary>The package file name without <c>.tar</c>, <c>.tar.gz</c>, <c>.tgz</c> or <c>.zip</c>; null when the
    /// path has no such extension, has <c>.</c>/<c>..</c> segments or backslashes, or the name is not a valid key.</summary>
    public static string? FromPackagePath(string path)
    {
        if (path.Contains('\\') || path.Split('/').Any(s => s is "." or "..")) return null;
        var slash = path.LastIndexOf('/');
        var name = slash >= 0 ? path[(slash + 1)..] : path;
        foreach (var ext in PackageExtensions)
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase))
                return IsValid(name[..^ext.Length]) ? name[..^ext.Length] : null;
        return null;
    }

    /// <summary>The last non-empty segment of a prefix such as <c>products/X/</c>.</summary>
    public static string? FromPrefix(string prefix)
    {
        var segments = prefix.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length > 0 && IsValid(segments[^1]) ? segments[^1] : null;
    }
}
