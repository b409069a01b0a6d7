using Microsoft.Extensions.Options;
using Npgsql;
using Prism.Catalog;
using Prism.Ingestion;
using Prism.Queues;
using Prism.Storage;

namespace Prism.Silo.Hosting;

/// <summary>The backing services shared by silos and gateways (catalog, object stores, queues), per profile.</summary>
public static class PrismServices
{
    public static PrismOptions ReadPrismOptions(this IConfiguration configuration)
    {
        var options = new PrismOptions();
        configuration.GetSection(PrismOptions.Section).Bind(options);
        return options;
    }

    public static string PostgresConnectionString(this IConfiguration configuration) =>
        configuration.GetConnectionString(PrismOptions.PostgresConnectionName) is { Length: > 0 } cs
            ? cs
            : throw new OptionsValidationException(PrismOptions.PostgresConnectionName, typeof(PrismOptions),
                ["the Cluster profile needs a PostgreSQL connection string: set ConnectionStrings__Postgres"]);

    /// <summary>Registers options, catalog, object stores and queue broker for the configured profile.</summary>
    public static IHostApplicationBuilder AddPrismBackingServices(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var prism = config.ReadPrismOptions();
        var dataDir = prism.FullDataDir;
        Directory.CreateDirectory(dataDir);

        if (prism.Profile == PrismProfile.Embedded)
        {
            // Filesystem object stores under the data folder unless configured otherwise.
            config[$"Prism:Storage:Input:Kind"] ??= "FileSystem";
            config[$"Prism:Storage:Input:Root"] ??= Path.Combine(dataDir, "input");
            config[$"Prism:Storage:Output:Kind"] ??= "FileSystem";
            config[$"Prism:Storage:Output:Root"] ??= Path.Combine(dataDir, "objects");
            config["Prism:Queues:Kind"] ??= "Embedded";
        }
        config["Prism:Queues:Kind"] ??= "Redis";

        builder.Services.AddOptions<PrismOptions>().BindConfiguration(PrismOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<IngestionOptions>().BindConfiguration(IngestionOptions.Section)
            .PostConfigure(o => o.WorkDir ??= Path.Combine(dataDir, "work"))
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<CollectionOptions>().BindConfiguration(CollectionOptions.Section);
        builder.Services.AddOptions<QueueNames>().BindConfiguration("Prism:Queues:Names");
        // Configured lists replace the defaults (a plain Bind would append to them): FromConfiguration does that.
        builder.Services.AddSingleton(Options.Create(PreprocessingOptions.FromConfiguration(config).EnsureValid()));

        builder.Services.AddPrismStorage(config);
        builder.Services.AddPrismQueues(config, dataDir);

        if (prism.Profile == PrismProfile.Embedded)
        {
            var catalogPath = Path.Combine(dataDir, "catalog.db");
            builder.Services.AddSingleton<ICatalog>(_ => new SqliteCatalog(catalogPath));
        }
        else
        {
            var connectionString = config.PostgresConnectionString();
            builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            builder.Services.AddSingleton<ICatalog>(sp => new PostgresCatalog(sp.GetRequiredService<NpgsqlDataSource>()));
        }
        return builder;
    }
}
