using Prism.Gateway;
using Prism.Gateway.Cli;
using Prism.Silo.Hosting;

if (args.Length > 0 && PrismCli.Commands.Contains(args[0])) return await PrismCli.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
// Before any socket is opened (the migration below opens the first): see HttpTransportOptions.InlineScheduling. Not
// when a test host runs this Main in its own process.
if (System.Reflection.Assembly.GetEntryAssembly() == typeof(GatewayHosting).Assembly)
    Prism.Gateway.Http.HttpTransportOptions.PrepareProcess(builder.Configuration);
await PrismSilo.MigrateAsync(builder.Configuration);
builder.AddPrismGateway();
var app = builder.Build();
app.MapPrismGateway();
await app.RunAsync();
return 0;

/// <summary>Entry point type, visible to the tests' host factory.</summary>
public partial class Program;
