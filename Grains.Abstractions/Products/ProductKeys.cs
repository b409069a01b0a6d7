using System.Text.RegularExpressions;

namespace Prism.Products;

/// <summary>Derives product keys from queue messages; a key is 1–200 characters of [A-Za-z0-9._-].</summary>
public static partial class ProductKeys
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")]
    private static partial Regex KeyPattern();

    public static bool IsValid(string? key) => key is not null && KeyPattern().IsMatch(key) && !key.Contains("..");

    /// <summary>The package file name without <c>.tar</c>, <c>.tar.gz</c>, <c>.tgz</c> or <c>.zip</c>.</summary>
    public static string? FromPackagePath(string path)
    {
        var name = path.TrimEnd('/');
        var slash = name.LastIndexOf('/');
        if (slash >= 0) name = name[(slash + 1)..];
        foreach (var ext in new[] { ".tar.gz", ".tgz", ".tar", ".zip" })
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) { name = name[..^ext.Length]; break; }
        return IsValid(name) ? name : null;
    }

    /// <summary>The last non-empty segment of a prefix such as <c>products/X/</c>.</summary>
    public static string? FromPrefix(string prefix)
    {
        var segments = prefix.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length > 0 && IsValid(segments[^1]) ? segments[^1] : null;
    }
}
