using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Prism.Tests;

/// <summary>
/// Runs the real gateway executable (<c>Prism.Gateway.dll</c>, silo co-hosted) as a child process with the given
/// configuration, so tests can stop it with SIGKILL and start it again exactly as an operator would.
/// </summary>
public sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Dictionary<string, string> _environment;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private readonly string _assembly;

    /// <param name="assembly">The executable to run: <c>Prism.Gateway.dll</c> or <c>Prism.Silo.dll</c>.</param>
    public GatewayProcess(Dictionary<string, string> environment, string assembly = "Prism.Gateway.dll")
    {
        _assembly = assembly;
        Port = FreePort();
        _environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Port}",
            ["Prism__SiloPort"] = FreePort().ToString(),
            ["Prism__GatewayPort"] = FreePort().ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Prism"] = "Information",
        };
        foreach (var (k, v) in environment) _environment[k] = v;
    }

    public int Port { get; }
    public Uri BaseAddress => new($"http://127.0.0.1:{Port}");
    public string Output { get { lock (_output) return _output.ToString(); } }
    public int? ProcessId => _process?.Id;

    public async Task StartAsync(TimeSpan? timeout = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, _assembly);
        var info = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (k, v) in _environment) info.Environment[k] = v;
        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start the gateway");
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(90));
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"gateway exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync("/healthz")).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(250);
        }
        throw new TimeoutException($"gateway did not answer /healthz:\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, like a crashed pod.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
