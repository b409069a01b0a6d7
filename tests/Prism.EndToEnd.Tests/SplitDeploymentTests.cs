namespace Prism.Tests;

/// <summary>The Kubernetes shape: a <c>Prism.Silo</c> process hosts the grains; the gateway is a plain Orleans
/// client (no co-hosted silo) that bridges the Redis queues into the cluster.</summary>
public sealed class SplitClusterFixture : ClusterFixture
{
    public GatewayProcess Silo { get; private set; } = null!;

    protected override async Task<GatewayProcess> StartProcessesAsync()
    {
        Silo = new GatewayProcess(Environment, "Prism.Silo.dll");
        await Silo.StartAsync();
        var client = new GatewayProcess(new Dictionary<string, string>(Environment)
        {
            ["Prism__Gateway__CoHostSilo"] = "false",
        });
        await client.StartAsync();
        return client;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Silo.DisposeAsync();
    }
}

public sealed class SplitDeploymentTests(SplitClusterFixture fx) : IClassFixture<SplitClusterFixture>
{
    [Fact]
    public async Task AGatewayWithoutASiloIngestsThroughTheSiloProcess()
    {
        var p = SampleProduct.All.First(s => s.Key.StartsWith("ASA_"));
        await fx.UploadInputAsync($"split/{Path.GetFileName(p.Archive)}", p.Archive);
        await fx.Db.ListLeftPushAsync(fx.Q("preprocess_queue"), $"split/{Path.GetFileName(p.Archive)}");
        Assert.True(await fx.WaitForMembersAsync("register-success_set", [p.Key], TimeSpan.FromMinutes(3)),
            $"gateway:\n{fx.Gateway.Output}\nsilo:\n{fx.Silo.Output}");
        // The silo process did the work: its log names the registration, the gateway's does not.
        Assert.Contains($"Registered {p.Identifier}", fx.Silo.Output);
        Assert.DoesNotContain($"Registered {p.Identifier}", fx.Gateway.Output);
    }
}
