using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Prism.Ingestion;

/// <summary>Guarded reading of untrusted JSON documents (STAC items, metadata messages).</summary>
internal static class JsonInput
{
    public static JsonDocument Parse(string json, long maxBytes, string what)
    {
        ArgumentNullException.ThrowIfNull(json);
        // UTF-16 length is a cheap lower bound of the UTF-8 size; the exact count only when near the limit.
        if (json.Length > maxBytes || (json.Length * 3L > maxBytes && Encoding.UTF8.GetByteCount(json) > maxBytes))
            throw new PermanentIngestException($"{what} is larger than the limit of {maxBytes} bytes");
        if (string.IsNullOrWhiteSpace(json)) throw new PermanentIngestException($"{what} is empty");
        try
        {
            return JsonDocument.Parse(json, new JsonDocumentOptions
            {
                MaxDepth = 64,
                AllowTrailingCommas = false,
                CommentHandling = JsonCommentHandling.Disallow,
                AllowDuplicateProperties = false,
            });
        }
        catch (JsonException ex)
        {
            throw new PermanentIngestException($"{what} is not valid JSON: {ex.Message}", ex);
        }
    }

    public static JsonElement RequireObject(JsonElement root, string what)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new PermanentIngestException($"{what} must be a JSON object");
        return root;
    }

    /// <summary>A property that must be a string when present; null when absent or JSON null.</summary>
    public static string? OptionalString(JsonElement obj, string name, string? path = null)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) throw new PermanentIngestException($"field '{path ?? name}' must be a string, not {Kind(v)}");
        return v.GetString();
    }

    public static string RequireString(JsonElement obj, string name, string? path = null)
    {
        var s = OptionalString(obj, name, path);
        if (string.IsNullOrWhiteSpace(s)) throw new PermanentIngestException($"missing {path ?? name}");
        return s;
    }

    public static double? OptionalNumber(JsonElement obj, string name, string? path = null)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out var d) || !double.IsFinite(d))
            throw new PermanentIngestException($"field '{path ?? name}' must be a number, not {Kind(v)}");
        return d;
    }

    public static int? OptionalInt(JsonElement obj, string name, string? path = null)
    {
        if (!obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var i))
            throw new PermanentIngestException($"field '{path ?? name}' must be an integer, not {Kind(v)}");
        return i;
    }

    /// <summary>Scalar as invariant text; arrays of scalars joined with ','; objects as compact JSON (bounded).</summary>
    public static string? ScalarText(JsonElement v, string path)
    {
        string? text = v.ValueKind switch
        {
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.TryGetInt64(out var l) ? l.ToString(CultureInfo.InvariantCulture)
                : v.GetDouble().ToString("R", CultureInfo.InvariantCulture),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            JsonValueKind.Array when v.EnumerateArray().All(e => e.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
                => string.Join(",", v.EnumerateArray().Select(e => ScalarText(e, path))),
            _ => v.GetRawText(),
        };
        return MetadataValues.CheckText(text, path);
    }

    public static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "undefined",
    };
}
