using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Prism.Gateway.Admin;
using Prism.Gateway.Maps;
using Prism.Gateway.Queues;
using Prism.Maps;
using Prism.Queues;
using Prism.Silo.Hosting;

namespace Prism.Tests.Maps;

/// <summary>The gateway side of seeding: the seed_queue bridge and /admin/seed over real Kestrel.</summary>
[Collection(MapsClusterCollection.Name)]
public sealed class GatewaySeedTests
{
    private const string C = MapsTestData.Collection;

    [Fact]
    public async Task Seed_queue_entries_become_jobs_and_malformed_ones_go_to_the_failure_set()
    {
        await using var cluster = await MapsCluster.StartAsync(o => o.MaxZoom["WGS84"] = 2);
        cluster.Options.MaxZoom["GoogleMapsCompatible"] = 2;
        await cluster.RegisterAsync("Q1", 10, 40, 20, 50, "2006-08-16T09:00:00Z");
        var gateway = new GatewayOptions { ConsumerId = $"test-{Guid.NewGuid():N}", ConsumerTtl = TimeSpan.FromSeconds(5) };
        using var bridge = new SeedBridge(cluster.Broker, cluster.Grains, Options.Create(cluster.Names), Options.Create(gateway),
            NullLogger<SeedBridge>.Instance);
        await bridge.StartAsync(CancellationToken.None);
        try
        {
            await cluster.Broker.PushAsync(cluster.Names.Seed, "2006-08-16T09:00:00Z/2006-08-16T09:10:00Z");
            await cluster.Broker.PushAsync(cluster.Names.Seed, "not an interval");
            var deadline = DateTime.UtcNow.AddSeconds(60);
            IReadOnlyList<string> succeeded;
            while ((succeeded = await cluster.Broker.SetMembersAsync(cluster.Names.SeedSuccess)).Count == 0 && DateTime.UtcNow < deadline)
                await Task.Delay(50);
            var job = Assert.Single(succeeded);
            var status = await cluster.Grains.GetGrain<ISeedJobGrain>(job).GetStatusAsync();
            Assert.Equal(SeedJobState.Completed, status.State);
            Assert.True(status.Total > 0);
            Assert.Equal(100, status.Percent);
            Assert.Contains("not an interval", await cluster.Broker.SetMembersAsync(cluster.Names.SeedFailure));
            Assert.NotNull(await cluster.Broker.GetReasonAsync(cluster.Names.SeedFailure, "not an interval"));
            Assert.Empty(await cluster.Broker.ListAsync(cluster.Names.Seed));
        }
        finally
        {
            await bridge.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task Admin_seed_starts_a_job_and_reports_progress()
    {
        await using var cluster = await MapsCluster.StartAsync();
        await cluster.RegisterAsync("H1", 10, 40, 20, 50, "2006-08-16T09:00:00Z");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(cluster.Grains);
        builder.Services.AddSingleton<IQueueBroker>(cluster.Broker);
        builder.Services.AddSingleton(Options.Create(cluster.Names));
        builder.Services.AddSingleton(Options.Create(new PrismOptions { AdminToken = "s3cret" }));
        await using var app = builder.Build();
        app.MapPrismSeedApi();
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };
            var body = new { begin = "2006-08-16T00:00:00Z", end = "2006-08-17T00:00:00Z", layer = C, zooms = new Dictionary<string, int[]> { ["WGS84"] = [0, 3] } };

            Assert.Equal(HttpStatusCode.Unauthorized, (await http.PostAsJsonAsync("/admin/seed", body)).StatusCode);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "s3cret");
            var bad = await http.PostAsJsonAsync("/admin/seed", new { begin = "yesterday", end = "today" });
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);

            var accepted = await http.PostAsJsonAsync("/admin/seed", body);
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            var location = accepted.Headers.Location!.ToString();
            Assert.StartsWith("/admin/seed/seed-", location);

            JsonElement json;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            do
            {
                await Task.Delay(50);
                json = await http.GetFromJsonAsync<JsonElement>(location);
            } while (json.GetProperty("state").GetString() == "Running" && DateTime.UtcNow < deadline);
            Assert.Equal("Completed", json.GetProperty("state").GetString());
            Assert.Equal(100, json.GetProperty("percent").GetDouble());
            Assert.Equal(json.GetProperty("total").GetInt64(), json.GetProperty("done").GetInt64());
            Assert.True(json.GetProperty("total").GetInt64() > 0);

            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/admin/seed/seed-unknown")).StatusCode);
            var list = await http.GetFromJsonAsync<JsonElement>("/admin/seed");
            Assert.Contains(location.Split('/').Last(), list.GetProperty("succeeded").EnumerateArray().Select(e => e.GetString()));
        }
        finally
        {
            await app.StopAsync();
        }
    }
}

public sealed class MapsOptionsTests
{
    [Fact]
    public void Styles_and_collections_bind_from_configuration_and_are_validated()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Prism:Maps:Styles:SAR_DB:Title"] = "SAR",
            ["Prism:Maps:Styles:SAR_DB:Bands:0"] = "1",
            ["Prism:Maps:Styles:SAR_DB:Ranges:0:0"] = "0",
            ["Prism:Maps:Styles:SAR_DB:Ranges:0:1"] = "800",
            ["Prism:Maps:Styles:SAR_DB:NoData"] = "0",
            ["Prism:Maps:Styles:SAR_DB:Ramp:0:At"] = "0",
            ["Prism:Maps:Styles:SAR_DB:Ramp:0:Color"] = "#000000",
            ["Prism:Maps:Styles:SAR_DB:Ramp:1:At"] = "1",
            ["Prism:Maps:Styles:SAR_DB:Ramp:1:Color"] = "#ffffff",
            ["Prism:Maps:Collections:ASA_WSM:DefaultStyle"] = "SAR_DB",
            ["Prism:Maps:Collections:ASA_WSM:Styles:0"] = "GREY",
            ["Prism:Maps:MaxZoom:WGS84"] = "4",
            ["Prism:Maps:MaxMapSize"] = "2048",
        }).Build();
        var options = config.ReadMapsOptions();
        Assert.Empty(options.Validate());
        var sar = options.AllStyles()["SAR_DB"];
        Assert.Equal([1], sar.Bands);
        Assert.Equal([0.0, 800.0], sar.Ranges![0]);
        Assert.Equal(0, sar.NoData);
        Assert.Equal(2, sar.Ramp!.Count);
        Assert.Equal(4, options.SeedMaxZoom(TileMatrixSet.WGS84));
        Assert.Equal(6, options.SeedMaxZoom(TileMatrixSet.GoogleMapsCompatible));
        Assert.Equal(2048, options.MaxMapSize);

        options.Collections["X"] = new CollectionMapOptions { Styles = ["NOPE"] };
        options.Styles["BAD"] = new StyleOptions { Bands = [1, 2] };
        options.OutlineColor = "blue";
        var errors = options.Validate();
        Assert.Contains(errors, e => e.Contains("NOPE"));
        Assert.Contains(errors, e => e.Contains("BAD"));
        Assert.Contains(errors, e => e.Contains("OutlineColor"));
    }
}
