using System.Text.Json;
using Microsoft.Extensions.Options;
using Prism.Gateway.Maps;
using Prism.Maps;
using Prism.Queues;

namespace Prism.Gateway.Admin;

/// <summary>
/// <c>/admin/seed</c>: start, watch and cancel seed jobs (same bearer token as the other admin routes).
/// <list type="bullet">
/// <item><c>POST /admin/seed</c> <c>{"begin","end","collection"?,"layer"?,"zooms"?:{"WGS84":[0,6]},"format"?}</c> → 202, <c>Location: /admin/seed/{job}</c></item>
/// <item><c>GET /admin/seed</c> → running, succeeded and failed job ids</item>
/// <item><c>GET /admin/seed/{job}</c> → <c>{"id","state","total","done","failed","percent",…}</c></item>
/// <item><c>DELETE /admin/seed/{job}</c> → cancels a running job</item>
/// </list>
/// </summary>
public static class SeedApi
{
    public static IEndpointRouteBuilder MapPrismSeedApi(this IEndpointRouteBuilder app)
    {
        var seed = app.MapGroup("/admin/seed").AddEndpointFilter(AdminApi.RequireToken);
        seed.MapPost("", Start).WithName("StartSeed");
        seed.MapGet("", List).WithName("ListSeeds");
        seed.MapGet("/{job}", Get).WithName("GetSeed");
        seed.MapDelete("/{job}", Cancel).WithName("CancelSeed");
        return app;
    }

    private static async Task<IResult> Start(HttpRequest request, HttpResponse response, IGrainFactory grains, CancellationToken ct)
    {
        if (!(request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
            return Problem("send application/json {\"begin\", \"end\", \"collection\"?, \"layer\"?, \"zooms\"?}", StatusCodes.Status415UnsupportedMediaType);
        SeedBody? body;
        try { body = await JsonSerializer.DeserializeAsync<SeedBody>(request.Body, JsonSerializerOptions.Web, ct); }
        catch (JsonException e) { return Problem($"invalid JSON body: {e.Message}"); }
        if (body is null) return Problem("empty JSON body");
        var (seedRequest, error) = SeedMessages.FromBody(body);
        if (error is not null) return Problem(error);
        var id = SeedJobs.NewId();
        var status = await grains.GetGrain<ISeedJobGrain>(id).StartAsync(seedRequest!);
        response.Headers.Location = $"/admin/seed/{id}";
        return Results.Json(ToJson(status), statusCode: StatusCodes.Status202Accepted);
    }

    private static async Task<IResult> List(IQueueBroker broker, IOptions<QueueNames> names, CancellationToken ct)
    {
        var n = names.Value;
        return Results.Json(new
        {
            running = await broker.SetMembersAsync(n.Seeding, ct),
            succeeded = await broker.SetMembersAsync(n.SeedSuccess, ct),
            failed = await broker.SetMembersAsync(n.SeedFailure, ct),
        });
    }

    private static async Task<IResult> Get(string job, IGrainFactory grains)
    {
        if (!SeedJobs.IsValidId(job)) return Results.NotFound(new { error = "no such seed job" });
        var status = await grains.GetGrain<ISeedJobGrain>(job).GetStatusAsync();
        return status.State == SeedJobState.None ? Results.NotFound(new { error = $"no seed job '{job}'" }) : Results.Json(ToJson(status));
    }

    private static async Task<IResult> Cancel(string job, IGrainFactory grains)
    {
        if (!SeedJobs.IsValidId(job)) return Results.NotFound(new { error = "no such seed job" });
        var grain = grains.GetGrain<ISeedJobGrain>(job);
        if ((await grain.GetStatusAsync()).State == SeedJobState.None) return Results.NotFound(new { error = $"no seed job '{job}'" });
        return Results.Json(ToJson(await grain.CancelAsync()));
    }

    public static object ToJson(SeedJobStatus s) => new
    {
        id = s.Id,
        state = s.State.ToString(),
        total = s.Total,
        done = s.Done,
        failed = s.Failed,
        percent = s.Percent,
        begin = s.Request is null ? null : TimeRange.Iso(s.Request.Begin),
        end = s.Request is null ? null : TimeRange.Iso(s.Request.End),
        collection = s.Request?.Collection,
        layer = s.Request?.Layer,
        zooms = s.Request?.Zooms,
        created = s.Created,
        updated = s.Updated,
        finished = s.Finished,
        error = s.Error,
    };

    private static IResult Problem(string message, int status = StatusCodes.Status400BadRequest) =>
        Results.Json(new { error = message }, statusCode: status);
}
