using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prism.Gateway.Ows;
using Prism.Maps;

namespace Prism.Ows.Tests;

/// <summary>The OWS endpoints in a real Kestrel on 127.0.0.1 (a free port), backed by a <see cref="FakeMapBackend"/>.</summary>
public sealed class OwsServer : IAsyncLifetime
{
    private WebApplication? _app;
    public FakeMapBackend Backend { get; } = new();
    public string BaseUrl { get; private set; } = "";
    public HttpClient Http { get; } = new();

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(System.Net.IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Configuration["Prism:Ows:MaxWidth"] = "2048";
        builder.Configuration["Prism:Ows:ProviderSite"] = "https://example.org/prism";
        builder.Services.AddSingleton<IMapBackend>(Backend);
        builder.Services.AddPrismOws(builder.Configuration);
        _app = builder.Build();
        _app.MapPrismOws();
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseUrl = address.TrimEnd('/');
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        if (_app is not null) await _app.DisposeAsync();
    }

    public Task<HttpResponseMessage> GetAsync(string pathAndQuery) => Http.GetAsync(BaseUrl + pathAndQuery);
}
