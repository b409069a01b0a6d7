using System.Text.Json;
using Prism.Maps;

namespace Prism.Gateway.Maps;

/// <summary>The JSON body of <c>POST /admin/seed</c> and of JSON <c>seed_queue</c> entries.</summary>
public sealed record SeedBody
{
    public string? Begin { get; init; }
    public string? End { get; init; }
    public string? Collection { get; init; }
    public string? Layer { get; init; }
    /// <summary>Per tile matrix set: [min, max] zoom.</summary>
    public Dictionary<string, int[]>? Zooms { get; init; }
    /// <summary><c>png</c> (default) or <c>jpeg</c>.</summary>
    public string? Format { get; init; }
}

/// <summary>Decodes seed requests: <c>begin/end</c> (ISO 8601, as registration pushes them) or a JSON <see cref="SeedBody"/>.</summary>
public static class SeedMessages
{
    public static (SeedRequest? Request, string? Error) Decode(string message)
    {
        var text = message.Trim();
        if (text.Length == 0) return (null, "empty seed message");
        if (text.Length > 10_000) return (null, "seed message longer than 10 000 characters");
        if (text.StartsWith('{'))
        {
            SeedBody? body;
            try { body = JsonSerializer.Deserialize<SeedBody>(text, JsonSerializerOptions.Web); }
            catch (JsonException e) { return (null, $"invalid JSON: {e.Message}"); }
            return body is null ? (null, "empty JSON") : FromBody(body);
        }
        if (!TimeRange.TryParse(text, out var range)) return (null, $"'{Short(text)}' is not begin/end in ISO 8601");
        return (new SeedRequest { Begin = range.Start, End = range.End }, null);
    }

    public static (SeedRequest? Request, string? Error) FromBody(SeedBody body)
    {
        if (string.IsNullOrWhiteSpace(body.Begin) || string.IsNullOrWhiteSpace(body.End))
            return (null, "\"begin\" and \"end\" (ISO 8601) are required");
        if (!TimeRange.TryParse(body.Begin, out var begin)) return (null, $"\"begin\" '{Short(body.Begin)}' is not ISO 8601");
        if (!TimeRange.TryParse(body.End, out var end)) return (null, $"\"end\" '{Short(body.End)}' is not ISO 8601");
        if (end.End < begin.Start) return (null, "\"end\" is before \"begin\"");
        ImageFormat format = ImageFormat.Png;
        if (body.Format is { Length: > 0 } f)
        {
            if (ImageFormats.Parse(f) is not { } parsed) return (null, $"\"format\" '{Short(f)}' is not png or jpeg");
            format = parsed;
        }
        if (body.Zooms is not null)
            foreach (var (tms, range) in body.Zooms)
            {
                if (TileMatrixSet.Find(tms) is not { } set) return (null, $"unknown tile matrix set '{Short(tms)}' in \"zooms\"");
                if (range is not { Length: 1 or 2 } || range.Any(z => z < 0 || z > set.MaxZoom) || range[0] > range[^1])
                    return (null, $"\"zooms\".{set.Identifier} must be [min, max] within 0–{set.MaxZoom}");
            }
        return (new SeedRequest
        {
            Begin = begin.Start,
            End = end.End,
            Collection = string.IsNullOrWhiteSpace(body.Collection) ? null : body.Collection.Trim(),
            Layer = string.IsNullOrWhiteSpace(body.Layer) ? null : body.Layer.Trim(),
            Zooms = body.Zooms,
            Format = format,
        }, null);
    }

    public static string Short(string s) => s.Length > 120 ? s[..120] + "…" : s;
}
