using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Prism.Queues;
using Prism.Storage;
using StackExchange.Redis;

namespace Prism.Tests;

public sealed class OptionsTests : IDisposable
{
    private readonly string _folder = TestEnvironment.TempFolder("options");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    [Fact]
    public void Storage_validation_names_the_environment_variable_to_set()
    {
        var services = new ServiceCollection().AddPrismStorage(Config(
            ("Prism:Storage:Input:Kind", "FileSystem"),
            ("Prism:Storage:Output:Kind", "S3"))).BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<StorageOptions>>().Value);
        Assert.Contains(e.Failures, f => f.Contains("Prism__Storage__Input__Root", StringComparison.Ordinal));
        Assert.Contains(e.Failures, f => f.Contains("Prism__Storage__Output__Bucket", StringComparison.Ordinal));
        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IObjectStores>());
    }

    [Fact]
    public void Storage_validation_refuses_unknown_kinds_and_half_credentials()
    {
        var failures = new List<string>();
        StorageOptionsValidator.Check(new ObjectStoreOptions { Kind = "Ftp" }, "Input", failures);
        StorageOptionsValidator.Check(new ObjectStoreOptions { Kind = "S3", Bucket = "b", AccessKey = "k", ServiceUrl = "ftp://x" }, "Output", failures);
        Assert.Contains(failures, f => f.Contains("Prism__Storage__Input__Kind", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Prism__Storage__Output__SecretKey", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.Contains("Prism__Storage__Output__ServiceUrl", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddPrismStorage_builds_both_stores_from_configuration()
    {
        var bucket = $"prism-opt-{Guid.NewGuid():N}"[..30];
        using var services = new ServiceCollection().AddPrismStorage(Config(
            ("Prism:Storage:Input:Kind", "FileSystem"),
            ("Prism:Storage:Input:Root", _folder),
            ("Prism:Storage:Output:Kind", "S3"),
            ("Prism:Storage:Output:Bucket", bucket),
            ("Prism:Storage:Output:Prefix", "published"),
            ("Prism:Storage:Output:ServiceUrl", TestEnvironment.S3Endpoint),
            ("Prism:Storage:Output:AccessKey", TestEnvironment.S3AccessKey),
            ("Prism:Storage:Output:SecretKey", TestEnvironment.S3SecretKey),
            ("Prism:Storage:Output:CreateBucket", "true"))).BuildServiceProvider();

        var stores = services.GetRequiredService<IObjectStores>();
        var input = Assert.IsType<FileSystemObjectStore>(stores.Input);
        var output = Assert.IsType<S3ObjectStore>(stores.Output);
        Assert.Equal(Path.Combine(_folder, "k"), input.GdalPath("k"));
        Assert.Equal($"/vsis3/{bucket}/published/k", output.GdalPath("k"));

        await output.PutAsync("k", new MemoryStream([1, 2, 3]));
        Assert.Equal(3, (await output.StatAsync("k"))!.Length);
        await output.DeletePrefixAsync("");
        await output.Client.DeleteBucketAsync(bucket);
    }

    [Fact]
    public void Embedded_queues_use_a_SQLite_file_in_the_data_folder()
    {
        using var services = new ServiceCollection().AddPrismQueues(Config(
            ("Prism:Queues:Kind", "Embedded"),
            ("Prism:Queues:Names:Preprocess", "pp_queue"),
            ("Prism:Queues:Seed", "sd_queue")), _folder).BuildServiceProvider();

        var broker = Assert.IsType<SqliteQueueBroker>(services.GetRequiredService<IQueueBroker>());
        Assert.Equal(Path.Combine(_folder, "queues.db"), broker.DatabasePath);
        Assert.True(File.Exists(broker.DatabasePath));
        Assert.Null(services.GetService<IConnectionMultiplexer>());

        var names = services.GetRequiredService<IOptions<QueueOptions>>().Value.Names;
        Assert.Equal("pp_queue", names.Preprocess);
        Assert.Equal("sd_queue", names.Seed);
        Assert.Equal("register_queue", names.Register);
        Assert.Equal("pp_queue", services.GetRequiredService<QueueNames>().Preprocess);
        Assert.Equal("sd_queue", services.GetRequiredService<IOptions<QueueNames>>().Value.Seed);
    }

    [Fact]
    public async Task Redis_queues_share_one_multiplexer()
    {
        var prefix = $"prism-test:{Guid.NewGuid():N}:";
        await using var services = new ServiceCollection().AddPrismQueues(Config(
            ("Prism:Queues:Kind", "Redis"),
            ("Prism:Queues:Redis", TestEnvironment.Redis),
            ("Prism:Queues:KeyPrefix", prefix)), _folder).BuildServiceProvider();

        var broker = Assert.IsType<RedisQueueBroker>(services.GetRequiredService<IQueueBroker>());
        var redis = services.GetRequiredService<IConnectionMultiplexer>();
        await broker.PushAsync("q", "m");
        Assert.Equal("m", (string?)await redis.GetDatabase().ListRightPopAsync(prefix + "q"));
    }

    [Fact]
    public void Queue_validation_names_the_environment_variable_to_set()
    {
        using var services = new ServiceCollection().AddPrismQueues(Config(("Prism:Queues:Kind", "Redis")), _folder).BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<QueueOptions>>().Value);
        Assert.Contains(e.Failures, f => f.Contains("Prism__Queues__Redis", StringComparison.Ordinal));

        using var bad = new ServiceCollection().AddPrismQueues(Config(("Prism:Queues:Kind", "Kafka")), _folder).BuildServiceProvider();
        var e2 = Assert.Throws<OptionsValidationException>(() => bad.GetRequiredService<IOptions<QueueOptions>>().Value);
        Assert.Contains(e2.Failures, f => f.Contains("Prism__Queues__Kind", StringComparison.Ordinal));
    }
}
