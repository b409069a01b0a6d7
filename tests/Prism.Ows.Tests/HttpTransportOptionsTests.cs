using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Prism.Gateway.Http;

namespace Prism.Ows.Tests;

/// <summary><see cref="HttpTransportOptions"/>: defaults, binding and what reaches Kestrel's socket transport.</summary>
public sealed class HttpTransportOptionsTests
{
    private static HttpTransportOptions Bind(params (string Key, string Value)[] values)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => KeyValuePair.Create<string, string?>(v.Key, v.Value))).Build();
        var options = new HttpTransportOptions();
        configuration.GetSection(HttpTransportOptions.Section).Bind(options);
        return options;
    }

    [Fact]
    public void Inline_scheduling_is_the_default_and_reaches_the_socket_transport()
    {
        var transport = new SocketTransportOptions { UnsafePreferInlineScheduling = false };
        Bind().Apply(transport);
        Assert.True(transport.UnsafePreferInlineScheduling);
        Assert.True(transport.WaitForDataBeforeAllocatingBuffer);
    }

    [Fact]
    public void Configuration_turns_it_off_and_sets_the_other_knobs()
    {
        var transport = new SocketTransportOptions { UnsafePreferInlineScheduling = true };
        Bind(("Prism:Http:InlineScheduling", "false"), ("Prism:Http:WaitForDataBeforeAllocatingBuffer", "false"),
            ("Prism:Http:IOQueueCount", "0")).Apply(transport);
        Assert.False(transport.UnsafePreferInlineScheduling);
        Assert.False(transport.WaitForDataBeforeAllocatingBuffer);
        Assert.Equal(0, transport.IOQueueCount);
    }

    [Fact]
    public void Turned_off_it_leaves_the_process_socket_setting_alone()
    {
        var before = Environment.GetEnvironmentVariable(HttpTransportOptions.InlineCompletionsVariable);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create<string, string?>("Prism:Http:InlineScheduling", "false")]).Build();
        HttpTransportOptions.PrepareProcess(configuration);
        Assert.Equal(before, Environment.GetEnvironmentVariable(HttpTransportOptions.InlineCompletionsVariable));
    }
}
