using Prism.Coverages;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;
using Prism.Gateway.Admin;
using Prism.Gateway.Embedded;
using Prism.Gateway.Ows;
using Prism.Gateway.OpenSearch;
using Prism.Gateway.Queues;
using Prism.Gateway.Stac;
using Prism.Queues;
using Prism.Silo.Hosting;

namespace Prism.Gateway;

/// <summary>What the gateway process adds: the Orleans silo or client, the queue bridge, the HTTP endpoints.</summary>
public static class GatewayHosting
{
    public static WebApplicationBuilder AddPrismGateway(this WebApplicationBuilder builder)
    {
        var prism = builder.Configuration.ReadPrismOptions();
        var gateway = new GatewayOptions();
        builder.Configuration.GetSection(GatewayOptions.Section).Bind(gateway);
        // Hot paths stay at Warning: request logging at Information costs most of the cached-tile throughput.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // The hosting diagnostics logger only writes request start/finish (Information); while it is enabled at all,
        // ASP.NET Core starts an Activity and a logging scope for every request. Off: neither is made.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.None);
        builder.Logging.AddFilter("Orleans", LogLevel.Warning);
        builder.Logging.AddFilter("Polly", LogLevel.Warning);

        builder.WebHost.UseSockets(Http.HttpTransportOptions.Read(builder.Configuration).Apply);

        builder.AddPrismBackingServices();
        if (prism.Profile == PrismProfile.Embedded || gateway.CoHostSilo) builder.AddPrismSilo();
        else builder.AddPrismClient();

        builder.Services.AddOptions<GatewayOptions>().BindConfiguration(GatewayOptions.Section);
        Maps.MapsGatewayHosting.AddPrismMapsGateway(builder);
        builder.Services.AddPrismOws(builder.Configuration);
        builder.Services.AddPrismStac(builder.Configuration);
        builder.Services.AddPrismOpenSearch(builder.Configuration);
        builder.Services.AddPrismWcs();
        if (gateway.ConsumeQueues)
        {
            builder.Services.AddHostedService<QueueBridge>();
            builder.Services.AddHostedService<Reconciler>();
        }
        if (prism.Profile == PrismProfile.Embedded)
        {
            builder.Services.AddHostedService<WatchFolder>();
            if (prism.IngestDemoProduct) builder.Services.AddHostedService<DemoProduct>();
        }
        return builder;
    }

    public static WebApplication MapPrismGateway(this WebApplication app)
    {
        var coHosted = app.Services.GetService<Orleans.Runtime.ISiloStatusOracle>() is not null;
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/", Landing);
        app.MapPrismAdmin();
        Maps.MapsGatewayHosting.MapPrismMaps(app);
        app.MapPrismOws();
        app.MapPrismStac();
        app.MapPrismOpenSearch();
        if (coHosted) app.MapOrleansDashboard(routePrefix: "/dashboard");
        return app;
    }

    /// <summary>A small JSON landing page: what this is, what is in the catalog, where to go next.</summary>
    private static async Task<IResult> Landing(Prism.Catalog.ICatalog catalog, IQueueBroker broker,
        IOptions<QueueNames> names, IOptions<PrismOptions> prism, CancellationToken ct)
    {
        var n = names.Value;
        var sets = new Dictionary<string, int>();
        foreach (var set in new[] { n.Preprocessing, n.PreprocessSuccess, n.PreprocessFailure, n.Registering, n.RegisterSuccess, n.RegisterFailure })
            sets[set] = (await broker.SetMembersAsync(set, ct)).Count;
        var products = await catalog.SearchAsync(new Prism.Catalog.ProductQuery { Limit = 20 }, ct);
        return Results.Json(new
        {
            name = "Prism.Orleans view server",
            profile = prism.Value.Profile.ToString(),
            dataDir = prism.Value.Profile == PrismProfile.Embedded ? prism.Value.FullDataDir : null,
            watchFolder = prism.Value.Profile == PrismProfile.Embedded ? WatchFolder.FolderOf(prism.Value) : null,
            statusSets = sets,
            collections = await catalog.GetCollectionsAsync(ct),
            latestProducts = products.Select(p => new
            {
                p.Identifier, p.ProductType, p.Collections, p.BeginTime, p.EndTime, p.FootprintWkt,
                coverages = p.Coverages.Select(c => new { c.Identifier, c.Location, c.Width, c.Height, c.Crs }),
            }),
            links = new { dashboard = "/dashboard", admin = "/admin/products (Authorization: Bearer $Prism__AdminToken)" },
        });
    }
}
