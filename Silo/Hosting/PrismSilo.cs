using Npgsql;
using Orleans.Configuration;
using Orleans.Dashboard;
using Prism.Catalog;
using Prism.Ingestion;
using Prism.Postgres;
using Prism.Persistence;

namespace Prism.Silo.Hosting;

/// <summary>Adds an Orleans silo (with the grains and their services) to a host, for either profile.</summary>
public static class PrismSilo
{
    /// <summary>Grain storage name used by <c>[PersistentState(..., "products")]</c>.</summary>
    public const string StorageName = "products";

    public static IHostApplicationBuilder AddPrismSilo(this IHostApplicationBuilder builder)
    {
        var prism = builder.Configuration.ReadPrismOptions();
        var dataDir = prism.FullDataDir;
        builder.Services.AddSingleton<GdalWorkPool>();
        builder.Services.AddSingleton<IProductPipeline, ProductPipeline>();
        Prism.Maps.MapsSiloHosting.AddPrismMapsSilo(builder);
        Prism.Coverages.CoverageServices.AddPrismWcs(builder.Services);
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o => { o.ClusterId = prism.ClusterId; o.ServiceId = prism.ServiceId; });
            if (prism.Profile == PrismProfile.Embedded)
            {
                silo.UseLocalhostClustering(prism.SiloPort, prism.GatewayPort, serviceId: prism.ServiceId, clusterId: prism.ClusterId);
                silo.AddPrismEmbeddedGrainStorage(StorageName, Path.Combine(dataDir, "grains.db"));
                silo.UseInMemoryReminderService();
            }
            else
            {
                // A silo restarted on the same address and port supersedes its dead predecessor at once.
                silo.ConfigureEndpoints(System.Net.IPAddress.Parse(prism.AdvertisedIp), prism.SiloPort, prism.GatewayPort);
                silo.UsePrismPostgres(builder.Configuration.PostgresConnectionString(), StorageName);
            }
            silo.AddDashboard();
        });
        return builder;
    }

    /// <summary>Adds an Orleans client that finds the silos through the cluster profile's membership table.</summary>
    public static IHostApplicationBuilder AddPrismClient(this IHostApplicationBuilder builder)
    {
        var prism = builder.Configuration.ReadPrismOptions();
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = prism.ClusterId; o.ServiceId = prism.ServiceId; });
            if (prism.Profile == PrismProfile.Embedded)
                client.UseLocalhostClustering(prism.GatewayPort, prism.ServiceId, prism.ClusterId);
            else
                client.UsePrismPostgresClustering(builder.Configuration.PostgresConnectionString());
        });
        return builder;
    }

    /// <summary>Applies the catalog (and, in the cluster profile, Orleans) schema before anything uses it.</summary>
    public static async Task MigrateAsync(IConfiguration configuration, CancellationToken ct = default)
    {
        var prism = configuration.ReadPrismOptions();
        if (prism.Profile == PrismProfile.Cluster)
        {
            await using var ds = NpgsqlDataSource.Create(configuration.PostgresConnectionString());
            await PostgresMigrator.MigrateAsync(ds, ct);
        }
        else
        {
            Directory.CreateDirectory(prism.FullDataDir);
            await new SqliteCatalog(Path.Combine(prism.FullDataDir, "catalog.db")).MigrateAsync(ct);
        }
    }
}
