using System.Net.Http.Headers;
using System.Text.Json;

namespace Prism.Gateway.Cli;

/// <summary>
/// <c>prism ingest FILE|PATH</c>, <c>prism status ID</c>, <c>prism products</c>: a thin client of the admin API.
/// Server from <c>PRISM_URL</c> (default http://127.0.0.1:5000), token from <c>PRISM_ADMIN_TOKEN</c> or
/// <c>Prism__AdminToken</c>.
/// </summary>
public static class PrismCli
{
    public static readonly string[] Commands = ["ingest", "status", "products"];

    public static async Task<int> RunAsync(string[] args)
    {
        var url = Environment.GetEnvironmentVariable("PRISM_URL") ?? "http://127.0.0.1:5000";
        var token = Environment.GetEnvironmentVariable("PRISM_ADMIN_TOKEN") ?? Environment.GetEnvironmentVariable("Prism__AdminToken");
        if (string.IsNullOrEmpty(token))
        {
            Console.Error.WriteLine("set PRISM_ADMIN_TOKEN (the server's Prism__AdminToken)");
            return 2;
        }
        using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        HttpResponseMessage response;
        switch (args)
        {
            case ["ingest", var what] when File.Exists(what):
                await using (var file = File.OpenRead(what))
                {
                    var content = new StreamContent(file);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    response = await http.PostAsync($"/admin/ingest?name={Uri.EscapeDataString(Path.GetFileName(what))}", content);
                }
                break;
            case ["ingest", var path]:
                response = await http.PostAsync("/admin/ingest",
                    new StringContent(JsonSerializer.Serialize(new { path }), System.Text.Encoding.UTF8, "application/json"));
                break;
            case ["status", var id]:
                response = await http.GetAsync($"/admin/products/{Uri.EscapeDataString(id)}");
                break;
            case ["products", ..]:
                response = await http.GetAsync("/admin/products");
                break;
            default:
                Console.Error.WriteLine("usage: prism ingest FILE|PATH | status ID | products");
                return 2;
        }
        Console.WriteLine(await response.Content.ReadAsStringAsync());
        return response.IsSuccessStatusCode ? 0 : 1;
    }
}
