using Prism.Gateway;
using Prism.Gateway.Cli;
using Prism.Silo.Hosting;

if (args.Length > 0 && PrismCli.Commands.Contains(args[0])) return await PrismCli.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
await PrismSilo.MigrateAsync(builder.Configuration);
builder.AddPrismGateway();
var app = builder.Build();
app.MapPrismGateway();
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to the tests' host factory.</summary>
public partial class Program;
