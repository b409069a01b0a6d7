using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Prism.IO;
using Prism.Ingestion;
using Prism.Products;
using Prism.Queues;
using Prism.Silo.Hosting;
using Prism.Storage;

namespace Prism.Gateway.Admin;

/// <summary>
/// <c>/admin</c>: ingest, product status, deregistration. Every route needs <c>Authorization: Bearer &lt;token&gt;</c>
/// with <c>Prism:AdminToken</c>; without a configured token the routes answer 404 (disabled, not open).
/// </summary>
public static class AdminApi
{
    /// <summary>Largest package accepted as a request body (default 2 GiB, <c>Prism:Preprocessing:Limits:MaxPackageBytes</c>).</summary>
    public static IEndpointRouteBuilder MapPrismAdmin(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").AddEndpointFilter(RequireToken);
        admin.MapPost("/ingest", Ingest).WithName("Ingest").WithSummary("Ingest a package by object path (JSON) or by upload (octet-stream).");
        admin.MapGet("/products", ListProducts).WithName("ListProducts");
        admin.MapGet("/products/{id}", GetProduct).WithName("GetProduct");
        admin.MapDelete("/products/{id}", DeleteProduct).WithName("DeregisterProduct");
        return app;
    }

    internal static async ValueTask<object?> RequireToken(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var token = http.RequestServices.GetRequiredService<IOptions<PrismOptions>>().Value.AdminToken;
        if (string.IsNullOrEmpty(token)) return Results.NotFound(new { error = "admin routes are disabled: set Prism__AdminToken" });
        var header = http.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        var given = header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..].Trim() : "";
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token)))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Results.Json(new { error = "missing or wrong bearer token" }, statusCode: StatusCodes.Status401Unauthorized);
        }
        return await next(context);
    }

    private static async Task<IResult> Ingest(HttpRequest request, IGrainFactory grains, IObjectStores stores,
        IOptions<PreprocessingOptions> preprocessing, CancellationToken ct)
    {
        string path;
        var contentType = request.ContentType ?? "";
        if (contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            IngestBody? body;
            try { body = await JsonSerializer.DeserializeAsync<IngestBody>(request.Body, JsonSerializerOptions.Web, ct); }
            catch (JsonException e) { return Problem($"invalid JSON body: {e.Message}"); }
            if (string.IsNullOrWhiteSpace(body?.Path)) return Problem("the JSON body needs a \"path\" in the input store");
            path = body.Path.Trim();
        }
        else if (contentType.StartsWith("application/octet-stream", StringComparison.OrdinalIgnoreCase))
        {
            var name = request.Query["name"].ToString();
            if (ProductKeys.FromPackagePath(name) is null || name.Contains('/') || name.Contains('\\'))
                return Problem("?name= must be a package file name such as NAME.tar, NAME.tar.gz, NAME.tgz or NAME.zip");
            var limit = preprocessing.Value.Limits.MaxPackageBytes;
            // Kestrel's default body limit (30 MB) is far below a package's; this route enforces its own.
            if (request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
                size.MaxRequestBodySize = limit;
            if (request.ContentLength > limit) return Problem($"package larger than {limit} bytes", StatusCodes.Status413PayloadTooLarge);
            path = $"uploads/{name}";
            await using var limited = new LimitedReadStream(request.Body, limit, () => new ObjectTooLargeException("request body", limit), leaveOpen: true);
            try { await stores.Input.PutAsync(path, limited, "application/octet-stream", ct); }
            catch (ObjectTooLargeException) { return Problem($"package larger than {limit} bytes", StatusCodes.Status413PayloadTooLarge); }
        }
        else
        {
            return Problem("send application/json {\"path\": …} or application/octet-stream with ?name=", StatusCodes.Status415UnsupportedMediaType);
        }
        var key = ProductKeys.FromPackagePath(path);
        if (key is null) return Problem($"cannot derive a product name from '{path}'");
        var force = string.Equals(request.Query["force"], "true", StringComparison.OrdinalIgnoreCase);
        var status = await grains.GetGrain<IProductGrain>(key).SubmitAsync(
            new IngestRequest { Kind = IngestKind.Package, Payload = path, Source = "admin", Force = force });
        var url = $"/admin/products/{Uri.EscapeDataString(key)}";
        return Results.Json(ToJson(status), statusCode: StatusCodes.Status202Accepted, contentType: "application/json")
            .WithLocation(url);
    }

    private static async Task<IResult> ListProducts(IQueueBroker broker, IOptions<QueueNames> names, IGrainFactory grains,
        string? state, int? offset, int? limit, CancellationToken ct)
    {
        var n = names.Value;
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var set in new[] { n.Preprocessing, n.PreprocessSuccess, n.PreprocessFailure, n.Registering, n.RegisterSuccess, n.RegisterFailure })
        foreach (var member in await broker.SetMembersAsync(set, ct))
            if (ProductKeys.IsValid(member)) keys.Add(member);
        var take = Math.Clamp(limit ?? 100, 1, 1000);
        var statuses = new List<object>();
        var skipped = 0;
        foreach (var key in keys)
        {
            var status = await grains.GetGrain<IProductGrain>(key).GetStatusAsync();
            if (status.History.Count == 0) continue;
            if (state is not null && !string.Equals(status.State.ToString(), state, StringComparison.OrdinalIgnoreCase)) continue;
            if (skipped++ < (offset ?? 0)) continue;
            statuses.Add(new { id = status.Id, state = status.State.ToString(), identifier = status.Identifier, error = status.Error });
            if (statuses.Count >= take) break;
        }
        return Results.Json(new { products = statuses });
    }

    private static async Task<IResult> GetProduct(string id, IGrainFactory grains)
    {
        if (!ProductKeys.IsValid(id)) return Results.NotFound(new { error = $"no product '{QueuesShort(id)}'" });
        var status = await grains.GetGrain<IProductGrain>(id).GetStatusAsync();
        return status.History.Count == 0 ? Results.NotFound(new { error = $"no product '{id}'" }) : Results.Json(ToJson(status));
    }

    private static async Task<IResult> DeleteProduct(string id, IGrainFactory grains)
    {
        if (!ProductKeys.IsValid(id)) return Results.NotFound(new { error = $"no product '{QueuesShort(id)}'" });
        var grain = grains.GetGrain<IProductGrain>(id);
        if ((await grain.GetStatusAsync()).History.Count == 0) return Results.NotFound(new { error = $"no product '{id}'" });
        try { return Results.Json(ToJson(await grain.DeregisterAsync())); }
        catch (InvalidOperationException e) { return Problem(e.Message, StatusCodes.Status409Conflict); }
    }

    public static object ToJson(ProductStatus s) => new
    {
        id = s.Id,
        state = s.State.ToString(),
        identifier = s.Identifier,
        error = s.Error,
        failedStage = s.FailedStage?.ToString(),
        outputPrefix = s.OutputPrefix,
        beginTime = s.BeginTime,
        endTime = s.EndTime,
        input = s.Input,
        history = s.History.Select(h => new { time = h.Time, stage = h.Stage.ToString(), message = h.Message }),
    };

    private static IResult Problem(string error, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new { error }, statusCode: status);

    private static string QueuesShort(string s) => s.Length > 80 ? s[..80] + "…" : s;

    private static IResult WithLocation(this IResult result, string url) => new LocatedResult(result, url);

    private sealed class LocatedResult(IResult inner, string url) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.Location = url;
            return inner.ExecuteAsync(context);
        }
    }

    private sealed record IngestBody(string? Path);
}
