using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Npgsql;
using StackExchange.Redis;

namespace Prism.Tests;

/// <summary>
/// The cluster profile on the real services: a fresh PostgreSQL database, Redis keys and S3 buckets of its own,
/// and the gateway process (silo co-hosted) configured for them.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    public string Id { get; } = $"t{Guid.NewGuid():N}"[..13];
    public string Database => $"prism_e2e_{Id}";
    public string InputBucket => $"in-{Id}";
    public string OutputBucket => $"out-{Id}";
    public string DataDir { get; } = TestEnvironment.TempFolder("cluster");
    public const string Token = "test-admin-token";
    /// <summary>Fixed per fixture, so a restarted process takes over the address of the one it replaces.</summary>
    public int SiloPort { get; } = GatewayProcess.FreePort();
    public int OrleansGatewayPort { get; } = GatewayProcess.FreePort();
    public GatewayProcess Gateway { get; private set; } = null!;
    public IAmazonS3 S3 { get; private set; } = null!;
    public ConnectionMultiplexer Redis { get; private set; } = null!;
    public IDatabase Db => Redis.GetDatabase();
    public string ConnectionString => $"{TestEnvironment.PostgresAdmin.Replace("Database=postgres", "")};Database={Database}".Replace(";;", ";");

    /// <summary>The PVS key names, prefixed with this fixture's id so parallel tests never share keys.</summary>
    public string Q(string name) => $"{Id}:{name}";

    public Dictionary<string, string> Environment
    {
        get
        {
            var env = BaseEnvironment;
            Customise(env);
            return env;
        }
    }

    /// <summary>Lets a fixture change the process environment (e.g. slow the pipeline down for a crash test).</summary>
    protected virtual void Customise(Dictionary<string, string> environment) { }

    private Dictionary<string, string> BaseEnvironment => new()
    {
        ["Prism__Profile"] = "Cluster",
        ["ConnectionStrings__Postgres"] = ConnectionString,
        ["Prism__DataDir"] = DataDir,
        ["Prism__AdminToken"] = Token,
        ["Prism__ClusterId"] = Id,
        ["Prism__SiloPort"] = SiloPort.ToString(),
        ["Prism__GatewayPort"] = OrleansGatewayPort.ToString(),
        ["Prism__ServiceId"] = Id,
        ["Prism__Gateway__ConsumerId"] = $"consumer-{Id}",
        ["Prism__Gateway__ReconcileInterval"] = "00:00:03",
        ["Prism__Ingestion__RetryDelay"] = "00:00:00.200",
        ["Prism__Queues__Kind"] = "Redis",
        ["Prism__Queues__Redis"] = TestEnvironment.Redis,
        ["Prism__Queues__Names__Preprocess"] = Q("preprocess_queue"),
        ["Prism__Queues__Names__PreprocessMetadata"] = Q("preprocess-md_queue"),
        ["Prism__Queues__Names__Register"] = Q("register_queue"),
        ["Prism__Queues__Names__Seed"] = Q("seed_queue"),
        ["Prism__Queues__Names__Preprocessing"] = Q("preprocessing_set"),
        ["Prism__Queues__Names__PreprocessSuccess"] = Q("preprocess-success_set"),
        ["Prism__Queues__Names__PreprocessFailure"] = Q("preprocess-failure_set"),
        ["Prism__Queues__Names__Registering"] = Q("registering_set"),
        ["Prism__Queues__Names__RegisterSuccess"] = Q("register-success_set"),
        ["Prism__Queues__Names__RegisterFailure"] = Q("register-failure_set"),
        ["Prism__Queues__Names__Seeding"] = Q("seeding_set"),
        ["Prism__Queues__Names__SeedSuccess"] = Q("seed-success_set"),
        ["Prism__Queues__Names__SeedFailure"] = Q("seed-failure_set"),
        // Registration seeds; keep it light here (the seeding itself is proven by the map tests).
        ["Prism__Maps__MaxZoom__WGS84"] = "1",
        ["Prism__Maps__MaxZoom__GoogleMapsCompatible"] = "1",
        ["Prism__Storage__Input__Kind"] = "S3",
        ["Prism__Storage__Input__Bucket"] = InputBucket,
        ["Prism__Storage__Input__ServiceUrl"] = TestEnvironment.S3Endpoint,
        ["Prism__Storage__Input__AccessKey"] = TestEnvironment.S3AccessKey,
        ["Prism__Storage__Input__SecretKey"] = TestEnvironment.S3SecretKey,
        ["Prism__Storage__Input__CreateBucket"] = "true",
        ["Prism__Storage__Output__Kind"] = "S3",
        ["Prism__Storage__Output__Bucket"] = OutputBucket,
        ["Prism__Storage__Output__ServiceUrl"] = TestEnvironment.S3Endpoint,
        ["Prism__Storage__Output__AccessKey"] = TestEnvironment.S3AccessKey,
        ["Prism__Storage__Output__SecretKey"] = TestEnvironment.S3SecretKey,
        ["Prism__Storage__Output__CreateBucket"] = "true",
    };

    /// <summary>Environment for GDAL command-line tools to read <c>/vsis3/</c> from s3rver.</summary>
    public Dictionary<string, string> GdalS3Environment => new()
    {
        ["AWS_S3_ENDPOINT"] = new Uri(TestEnvironment.S3Endpoint).Authority,
        ["AWS_HTTPS"] = "NO",
        ["AWS_VIRTUAL_HOSTING"] = "FALSE",
        ["AWS_ACCESS_KEY_ID"] = TestEnvironment.S3AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = TestEnvironment.S3SecretKey,
        ["AWS_REGION"] = "us-east-1",
    };

    public virtual async Task InitializeAsync()
    {
        await using (var admin = new NpgsqlConnection(TestEnvironment.PostgresAdmin))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{Database}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        S3 = new AmazonS3Client(new BasicAWSCredentials(TestEnvironment.S3AccessKey, TestEnvironment.S3SecretKey),
            new AmazonS3Config { ServiceURL = TestEnvironment.S3Endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
        await S3.PutBucketAsync(InputBucket);
        Redis = await ConnectionMultiplexer.ConnectAsync(TestEnvironment.Redis);
        Gateway = await StartProcessesAsync();
    }

    /// <summary>Starts the server processes; returns the one that serves HTTP and consumes the queues.</summary>
    protected virtual async Task<GatewayProcess> StartProcessesAsync()
    {
        var gateway = new GatewayProcess(Environment);
        await gateway.StartAsync();
        return gateway;
    }

    /// <summary>Uploads a file to the input bucket (no aws-chunked framing, so s3rver stores the bytes as sent).</summary>
    public async Task UploadInputAsync(string key, string file)
    {
        await S3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = InputBucket, Key = key, FilePath = file, UseChunkEncoding = false,
        });
    }

    public async Task<bool> WaitForMembersAsync(string set, IEnumerable<string> members, TimeSpan timeout)
    {
        var wanted = members.ToHashSet();
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var have = (await Db.SetMembersAsync(Q(set))).Select(v => v.ToString()).ToHashSet();
            if (wanted.IsSubsetOf(have)) return true;
            await Task.Delay(250);
        }
        return false;
    }

    public virtual async Task DisposeAsync()
    {
        await Gateway.DisposeAsync();
        Redis.Dispose();
        S3.Dispose();
    }
}
