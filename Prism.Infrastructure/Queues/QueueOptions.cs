using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Prism.Queues;

/// <summary>The queue broker (configuration section <c>Prism:Queues</c>).</summary>
public sealed class QueueOptions
{
    public const string SectionName = "Prism:Queues";
    public const string RedisKind = "Redis";
    public const string EmbeddedKind = "Embedded";

    /// <summary><c>Redis</c> (cluster profile) or <c>Embedded</c> (a SQLite file, one process).</summary>
    public string Kind { get; set; } = RedisKind;

    /// <summary>The StackExchange.Redis configuration string, e.g. <c>redis:6379</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>A prefix for every Redis key and channel (empty: the PVS names as they are).</summary>
    public string? KeyPrefix { get; set; }

    /// <summary>The SQLite file of the embedded broker; by default <c>queues.db</c> in the embedded data folder.</summary>
    public string? EmbeddedPath { get; set; }

    /// <summary>The queue and set names (<c>Prism:Queues:Names</c>).</summary>
    public QueueNames Names { get; set; } = new();

    public bool IsRedis => string.Equals(Kind, RedisKind, StringComparison.OrdinalIgnoreCase);
    public bool IsEmbedded => string.Equals(Kind, EmbeddedKind, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Checks <see cref="QueueOptions"/> at start-up; every message names the environment variable to set.</summary>
public sealed class QueueOptionsValidator : IValidateOptions<QueueOptions>
{
    public ValidateOptionsResult Validate(string? name, QueueOptions options)
    {
        var failures = new List<string>();
        if (options.IsRedis)
        {
            if (string.IsNullOrWhiteSpace(options.Redis))
                failures.Add("Prism:Queues:Redis is required when Prism:Queues:Kind is Redis: set Prism__Queues__Redis (e.g. redis:6379)");
            else
            {
                try { ConfigurationOptions.Parse(options.Redis); }
                catch (ArgumentException e) { failures.Add($"Prism:Queues:Redis is not a valid Redis configuration ({e.Message}): fix Prism__Queues__Redis"); }
            }
        }
        else if (!options.IsEmbedded)
        {
            failures.Add($"Prism:Queues:Kind '{options.Kind}' is not Redis or Embedded: set Prism__Queues__Kind");
        }
        if (options.Names is null)
            failures.Add("Prism:Queues:Names is missing: set the Prism__Queues__Names__* variables or remove the empty section");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

public static class QueueServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="QueueOptions"/> from <c>Prism:Queues</c> (validated at start-up) and registers
    /// <see cref="IQueueBroker"/>: a <see cref="RedisQueueBroker"/> over a shared <see cref="IConnectionMultiplexer"/>
    /// (also registered), or a <see cref="SqliteQueueBroker"/> on <c>queues.db</c> in <paramref name="embeddedDataDir"/>.
    /// <see cref="QueueNames"/> is registered too (as <c>IOptions&lt;QueueNames&gt;</c> and as a singleton); names
    /// may be given under <c>Prism:Queues:Names</c> or directly under <c>Prism:Queues</c>.
    /// </summary>
    public static IServiceCollection AddPrismQueues(this IServiceCollection services, IConfiguration configuration, string embeddedDataDir)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(QueueOptions.SectionName);
        services.AddOptions<QueueOptions>()
            .Configure(options =>
            {
                section.Bind(options);
                options.Names ??= new QueueNames();
                section.Bind(options.Names);
                section.GetSection("Names").Bind(options.Names);
                if (string.IsNullOrWhiteSpace(options.EmbeddedPath) && !string.IsNullOrWhiteSpace(embeddedDataDir))
                    options.EmbeddedPath = Path.Combine(embeddedDataDir, "queues.db");
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<QueueOptions>, QueueOptionsValidator>());
        services.AddOptions<QueueNames>().Configure<IOptions<QueueOptions>>((names, queues) => Copy(queues.Value.Names, names));
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<QueueNames>>().Value);

        var configured = new QueueOptions();
        section.Bind(configured);
        if (configured.IsRedis)
        {
            services.TryAddSingleton<IConnectionMultiplexer>(sp =>
                ConnectionMultiplexer.Connect(sp.GetRequiredService<IOptions<QueueOptions>>().Value.Redis!));
        }
        services.TryAddSingleton<IQueueBroker>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<QueueOptions>>().Value;
            if (options.IsRedis)
                return new RedisQueueBroker(sp.GetRequiredService<IConnectionMultiplexer>(), options.KeyPrefix ?? "");
            if (string.IsNullOrWhiteSpace(options.EmbeddedPath))
                throw new InvalidOperationException("the embedded queue broker needs a data folder: set Prism__Queues__EmbeddedPath");
            return new SqliteQueueBroker(options.EmbeddedPath);
        });
        return services;
    }

    private static void Copy(QueueNames from, QueueNames to)
    {
        foreach (var property in typeof(QueueNames).GetProperties())
            if (property is { CanRead: true, CanWrite: true })
                property.SetValue(to, property.GetValue(from));
    }
}
