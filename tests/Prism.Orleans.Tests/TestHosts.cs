using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Prism.Persistence;
using Prism.Postgres;

namespace Prism.Tests.Persistence;

/// <summary>A fresh PostgreSQL database with the Orleans migrations (0101..0199) applied; dropped on dispose.</summary>
public sealed class OrleansDatabase : IAsyncLifetime
{
    public string Name { get; } = TestEnvironment.UniqueName("orleans");
    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public static IReadOnlyList<PostgresMigrator.Migration> OrleansMigrations =>
        PostgresMigrator.Migrations.Where(m => m.Version is >= 101 and <= 199).ToList();

    public async Task InitializeAsync()
    {
        await CreateAsync(migrate: true);
    }

    /// <summary>Creates the database; with <paramref name="migrate"/> also applies the Orleans migrations.</summary>
    public async Task CreateAsync(bool migrate)
    {
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = Name }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        if (migrate) await PostgresMigrator.MigrateAsync(DataSource, OrleansMigrations, CancellationToken.None);
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        var value = await cmd.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public async Task DisposeAsync()
    {
        if (DataSource is not null) await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}

public static class TestHosts
{
    public const string StorageName = "prism";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A silo of the cluster profile (PostgreSQL membership, state and reminders) on free loopback ports.</summary>
    public static Task<IHost> StartPostgresSiloAsync(string connectionString, string clusterId, string serviceId) =>
        StartSiloAsync(silo =>
        {
            silo.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = serviceId; });
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort());
            silo.UsePrismPostgres(connectionString, StorageName);
        });

    /// <summary>A single silo of the embedded profile (localhost clustering, SQLite grain storage).</summary>
    public static Task<IHost> StartEmbeddedSiloAsync(string databasePath) =>
        StartSiloAsync(silo =>
        {
            silo.UseLocalhostClustering(FreePort(), FreePort(), null, "prism-embedded", Guid.NewGuid().ToString("N"));
            silo.AddPrismEmbeddedGrainStorage(StorageName, databasePath);
        });

    private static async Task<IHost> StartSiloAsync(Action<ISiloBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(configure);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>A gateway client that finds the cluster through the PostgreSQL membership table.</summary>
    public static async Task<IHost> StartPostgresClientAsync(string connectionString, string clusterId, string serviceId)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o => { o.ClusterId = clusterId; o.ServiceId = serviceId; });
            client.UsePrismPostgresClustering(connectionString);
        });
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public static async Task StopAsync(IHost? host)
    {
        if (host is null) return;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try { await host.StopAsync(cts.Token); }
        finally { host.Dispose(); }
    }

    public static IGrainFactory Grains(this IHost host) => host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Polls until the condition holds; fails the test if it never does within a generous bound.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, int seconds = 90)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await condition()) return;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for: {what}");
            await Task.Delay(250);
        }
    }
}
