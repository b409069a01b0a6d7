using Microsoft.AspNetCore.Http;
using Prism.Maps;

namespace Prism.Gateway.Ows;

/// <summary>HTTP details shared by the OGC answers: CORS on every response, image validators, XML bodies.</summary>
public static class OwsHttp
{
    public const string CacheHeader = "X-Prism-Cache";

    /// <summary>CORS headers; set first thing by every handler so that errors carry them too.</summary>
    public static void Cors(HttpResponse response)
    {
        var h = response.Headers;
        h.AccessControlAllowOrigin = "*";
        h.AccessControlExposeHeaders = "ETag, X-Prism-Cache";
    }

    /// <summary>Writes an image with ETag, Cache-Control and X-Prism-Cache; 304 when If-None-Match matches.</summary>
    public static Task WriteImageAsync(HttpContext ctx, EncodedImage image, int maxAgeSeconds) =>
        WriteImageAsync(ctx, image, CacheControlOf(maxAgeSeconds));

    /// <summary>The Cache-Control value of an image answer kept for <paramref name="maxAgeSeconds"/> (0 = revalidate).</summary>
    public static string CacheControlOf(int maxAgeSeconds) =>
        maxAgeSeconds > 0 ? $"public, max-age={maxAgeSeconds}" : "no-cache";

    /// <summary>Writes an image with ETag, the given Cache-Control value and X-Prism-Cache; 304 when If-None-Match matches.</summary>
    public static Task WriteImageAsync(HttpContext ctx, EncodedImage image, string cacheControl)
    {
        var response = ctx.Response;
        var h = response.Headers;
        h.ETag = image.ETag;
        h.CacheControl = cacheControl;
        h[CacheHeader] = image.Source;
        if (EtagMatches(ctx.Request.Headers.IfNoneMatch, image.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = image.ContentType;
        response.ContentLength = image.Data.Length;
        return HttpMethods.IsHead(ctx.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(image.Data).AsTask();
    }

    /// <summary>Writes an uncached body (capabilities, exception reports, INIMAGE/BLANK images).</summary>
    public static Task WriteBytesAsync(HttpContext ctx, byte[] body, string contentType, int status = 200, bool cache = false) =>
        WriteBodyAsync(ctx, body, contentType, status, cache);

    /// <summary>Status, type, length and (unless <paramref name="cache"/>) <c>no-cache</c>, then the body (not for HEAD).</summary>
    public static Task WriteBodyAsync(HttpContext ctx, ReadOnlyMemory<byte> body, string contentType, int status = 200, bool cache = false)
    {
        var response = ctx.Response;
        response.StatusCode = status;
        response.ContentType = contentType;
        response.ContentLength = body.Length;
        if (!cache) response.Headers.CacheControl = "no-cache";
        return HttpMethods.IsHead(ctx.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body, ctx.RequestAborted).AsTask();
    }

    /// <summary>If-None-Match against a (quoted) entity tag, weak comparison as RFC 9110 §13.1.2 asks.</summary>
    public static bool EtagMatches(string? ifNoneMatch, string etag)
    {
        if (string.IsNullOrEmpty(ifNoneMatch) || string.IsNullOrEmpty(etag)) return false;
        var ours = Opaque(etag.AsSpan());
        foreach (var range in ifNoneMatch.AsSpan().Split(','))
        {
            var candidate = ifNoneMatch.AsSpan()[range].Trim();
            if (candidate is "*") return true;
            if (Opaque(candidate).SequenceEqual(ours)) return true;
        }
        return false;
    }

    private static ReadOnlySpan<char> Opaque(ReadOnlySpan<char> tag)
    {
        tag = tag.Trim();
        if (tag.StartsWith("W/", StringComparison.Ordinal)) tag = tag[2..];
        return tag.Trim('"');
    }

    /// <summary>Answers a CORS preflight.</summary>
    public static Task PreflightAsync(HttpContext ctx)
    {
        Cors(ctx.Response);
        var h = ctx.Response.Headers;
        h.AccessControlAllowMethods = "GET, HEAD, OPTIONS";
        h.AccessControlAllowHeaders = ctx.Request.Headers.AccessControlRequestHeaders.Count > 0
            ? ctx.Request.Headers.AccessControlRequestHeaders.ToString() : "*";
        h.AccessControlMaxAge = "86400";
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
        return Task.CompletedTask;
    }

    /// <summary>The service base URL: the configured public one, else scheme://host/pathbase of the request.</summary>
    public static string BaseUrl(HttpRequest request, OwsOptions options) =>
        !string.IsNullOrEmpty(options.PublicBaseUrl)
            ? options.PublicBaseUrl.TrimEnd('/')
            : $"{request.Scheme}://{request.Host.Value}{request.PathBase.Value}".TrimEnd('/');

}
