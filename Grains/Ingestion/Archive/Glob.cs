using System.Text;
using System.Text.RegularExpressions;

namespace Prism.Ingestion;

/// <summary>
/// A file glob as used in the preprocessing configuration. <c>*</c> matches any run of characters except '/',
/// <c>?</c> one such character, <c>**</c> any number of folders. A pattern without '/' is matched against the file
/// name alone (at any depth), so <c>*.xml</c> also finds <c>sub/folder/x.xml</c>; a pattern with '/' is matched
/// against the whole relative path. Matching is case-insensitive (packages come from many systems).
/// </summary>
public sealed class Glob
{
    private readonly Regex _regex;
    private readonly bool _nameOnly;

    public Glob(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        Pattern = pattern;
        _nameOnly = !pattern.Contains('/');
        _regex = new Regex(ToRegex(pattern), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    public string Pattern { get; }

    /// <summary>True when <paramref name="relativePath"/> ('/'-separated) matches.</summary>
    public bool IsMatch(string relativePath)
    {
        var subject = _nameOnly ? relativePath[(relativePath.LastIndexOf('/') + 1)..] : relativePath;
        return _regex.IsMatch(subject);
    }

    private static string ToRegex(string pattern)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*')
            {
                if (i + 1 < pattern.Length && pattern[i + 1] == '*')
                {
                    i++;
                    // "**/" matches zero or more folders; a trailing "**" anything.
                    if (i + 1 < pattern.Length && pattern[i + 1] == '/') { i++; sb.Append("(?:[^/]*/)*"); }
                    else sb.Append(".*");
                }
                else sb.Append("[^/]*");
            }
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.Append('$').ToString();
    }
}
