using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization.Serializers;
using Orleans.Storage;

namespace Prism.Persistence;

/// <summary>
/// Wires Prism's Orleans persistence: the cluster profile (membership, grain state and reminders in PostgreSQL via
/// the Orleans ADO.NET providers and the project's own <c>Postgres/Migrations/01xx_orleans_*.sql</c> schema) and
/// the embedded profile (grain state in a local SQLite file). Both store state as JSON through
/// <see cref="JsonGrainStateSerializer"/>. The PostgreSQL schema must have been applied
/// (<c>PostgresMigrator.MigrateAsync</c>) before a silo or client starts.
/// </summary>
public static class PrismOrleansHosting
{
    /// <summary>The ADO.NET invariant name of Npgsql, as the Orleans ADO.NET providers know it.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Cluster profile: ADO.NET clustering, the grain storage <paramref name="storageName"/> (JSON state) and the
    /// ADO.NET reminder service, all on the PostgreSQL database of <paramref name="connectionString"/>.
    /// Cluster id and service id come from the usual <c>ClusterOptions</c>; grain state rows are scoped by service id,
    /// grain type, state name and grain key.
    /// </summary>
    public static ISiloBuilder UsePrismPostgres(this ISiloBuilder builder, string connectionString, string storageName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(storageName);

        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });
        // The ADO.NET storage itself is registered under an inner name; grains use storageName, which scopes each
        // state by grain type (see GrainTypeScopedGrainStorage).
        var adoNetName = AdoNetStorageName(storageName);
        builder.AddAdoNetGrainStorage(adoNetName, options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
            options.GrainStorageSerializer = new JsonGrainStateSerializer();
        });
        builder.Services.AddGrainStorage(storageName, (services, _) =>
            new GrainTypeScopedGrainStorage(services.GetRequiredKeyedService<IGrainStorage>(adoNetName)));
        builder.UseAdoNetReminderService(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });
        return builder;
    }

    /// <summary>The name under which <see cref="UsePrismPostgres"/> registers the unscoped ADO.NET grain storage.</summary>
    public static string AdoNetStorageName(string storageName) => storageName + ".adonet";

    /// <summary>Gateway client of the cluster profile: finds the silos' gateways in the PostgreSQL membership table.</summary>
    public static IClientBuilder UsePrismPostgresClustering(this IClientBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        builder.UseAdoNetClustering(options =>
        {
            options.Invariant = NpgsqlInvariant;
            options.ConnectionString = connectionString;
        });
        return builder;
    }

    /// <summary>
    /// Embedded profile: the grain storage <paramref name="name"/> kept in the SQLite file
    /// <paramref name="databasePath"/> (created with its folder if missing), JSON state, ETag concurrency.
    /// </summary>
    public static ISiloBuilder AddPrismEmbeddedGrainStorage(this ISiloBuilder builder, string name, string databasePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        builder.Services.AddGrainStorage(name, (services, providerName) => new SqliteGrainStorage(
            providerName, databasePath, new JsonGrainStateSerializer(),
            services.GetRequiredService<IActivatorProvider>(),
            services.GetRequiredService<ILogger<SqliteGrainStorage>>()));
        return builder;
    }
}
