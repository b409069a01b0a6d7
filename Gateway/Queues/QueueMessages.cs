using System.Text.Json;
using Prism.Products;

namespace Prism.Gateway.Queues;

/// <summary>Decodes queue entries far enough to route them; everything else is checked by the grain's pipeline.</summary>
public static class QueueMessages
{
    public const int MaxPathLength = 1024;
    public const int MaxJsonBytes = 1 << 20;

    public sealed record Decoded(string? Key, IngestRequest? Request, string? Error);

    public static Decoded Decode(IngestKind kind, string message, string source)
    {
        if (string.IsNullOrWhiteSpace(message)) return Fail("empty message");
        return kind switch
        {
            IngestKind.Package => DecodePath(message, source),
            IngestKind.MetadataMessage => DecodeJson(message, source, IngestKind.MetadataMessage, "id"),
            _ => message.TrimStart().StartsWith('{')
                ? DecodeJson(message, source, IngestKind.StacItem, "id")
                : DecodePrefix(message, source),
        };
    }

    private static Decoded DecodePath(string message, string source)
    {
        var path = message.Trim();
        if (path.Length > MaxPathLength) return Fail($"object path longer than {MaxPathLength} characters");
        if (path.Any(char.IsControl)) return Fail("object path contains control characters");
        var key = ProductKeys.FromPackagePath(path);
        return key is null
            ? Fail($"cannot derive a product name from '{Short(path)}' (expected …/<name>.tar|.tar.gz|.tgz|.zip)")
            : new Decoded(key, new IngestRequest { Kind = IngestKind.Package, Payload = path, Source = source }, null);
    }

    private static Decoded DecodePrefix(string message, string source)
    {
        var prefix = message.Trim();
        if (prefix.Length > MaxPathLength) return Fail($"prefix longer than {MaxPathLength} characters");
        if (prefix.Any(char.IsControl)) return Fail("prefix contains control characters");
        var key = ProductKeys.FromPrefix(prefix);
        return key is null
            ? Fail($"cannot derive a product name from prefix '{Short(prefix)}'")
            : new Decoded(key, new IngestRequest { Kind = IngestKind.RegisterPrefix, Payload = prefix, Source = source }, null);
    }

    private static Decoded DecodeJson(string message, string source, IngestKind kind, string idProperty)
    {
        if (message.Length > MaxJsonBytes) return Fail($"JSON message larger than {MaxJsonBytes} bytes");
        try
        {
            using var doc = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = 64 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return Fail("JSON message is not an object");
            if (!doc.RootElement.TryGetProperty(idProperty, out var id) || id.ValueKind != JsonValueKind.String)
                return Fail($"JSON message has no string '{idProperty}'");
            var key = id.GetString()!;
            return ProductKeys.IsValid(key)
                ? new Decoded(key, new IngestRequest { Kind = kind, Payload = message, Source = source }, null)
                : Fail($"'{Short(key)}' is not a valid product id (1-200 of A-Z a-z 0-9 . _ -)");
        }
        catch (JsonException e)
        {
            return Fail($"invalid JSON: {e.Message}");
        }
    }

    private static Decoded Fail(string error) => new(null, null, error);

    public static string Short(string s) => s.Length > 120 ? s[..120] + "…" : s;
}
