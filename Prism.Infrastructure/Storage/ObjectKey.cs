namespace Prism.Storage;

/// <summary>
/// Validation of object keys and listing prefixes shared by every <see cref="IObjectStore"/>. A key is a
/// '/'-separated relative path: not empty, no leading '/', no empty, '.' or '..' segments, no backslash and no
/// control characters. A prefix follows the same rules except that it may be empty, may end with '/', and its
/// last (partial) segment is only a string to match.
/// </summary>
public static class ObjectKey
{
    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="key"/> is not a valid object key.</summary>
    public static void Validate(string key, string paramName = "key")
    {
        ArgumentNullException.ThrowIfNull(key, paramName);
        if (key.Length == 0) throw new ArgumentException("an object key must not be empty", paramName);
        CheckCharacters(key, paramName);
        var segments = key.Split('/');
        foreach (var segment in segments)
            CheckSegment(key, segment, paramName);
    }

    /// <summary>Throws <see cref="ArgumentException"/> when <paramref name="prefix"/> is not a valid listing prefix.</summary>
    public static void ValidatePrefix(string prefix, string paramName = "prefix")
    {
        ArgumentNullException.ThrowIfNull(prefix, paramName);
        if (prefix.Length == 0) return;
        CheckCharacters(prefix, paramName);
        var segments = prefix.Split('/');
        // The last element is a partial segment ("" when the prefix ends with '/'): any text may follow it.
        for (var i = 0; i < segments.Length - 1; i++)
            CheckSegment(prefix, segments[i], paramName);
        if (segments[^1] is "..")
            throw new ArgumentException($"object prefix '{prefix}' must not contain '..' segments", paramName);
    }

    /// <summary>True when <paramref name="key"/> is a valid object key.</summary>
    public static bool IsValid(string? key)
    {
        if (key is null) return false;
        try { Validate(key); return true; }
        catch (ArgumentException) { return false; }
    }

    private static void CheckCharacters(string value, string paramName)
    {
        if (value[0] == '/')
            throw new ArgumentException($"object key '{Printable(value)}' must not start with '/'", paramName);
        foreach (var c in value)
        {
            if (c == '\\')
                throw new ArgumentException($"object key '{Printable(value)}' must not contain a backslash", paramName);
            if (char.IsControl(c))
                throw new ArgumentException($"object key '{Printable(value)}' must not contain control characters", paramName);
        }
    }

    private static void CheckSegment(string value, string segment, string paramName)
    {
        switch (segment)
        {
            case "":
                throw new ArgumentException($"object key '{value}' must not contain empty segments ('//' or a trailing '/')", paramName);
            case ".":
            case "..":
                throw new ArgumentException($"object key '{value}' must not contain '.' or '..' segments", paramName);
        }
    }

    private static string Printable(string value)
    {
        var chars = value.Select(c => char.IsControl(c) ? '?' : c).ToArray();
        return new string(chars);
    }
}
