using Orleans.Dashboard;
using Prism.Silo.Hosting;

// A silo of the cluster profile (Kubernetes): grains, dashboard on /dashboard, health on /healthz.
var builder = WebApplication.CreateBuilder(args);
builder.Configuration["Prism:Profile"] ??= nameof(PrismProfile.Cluster);
await PrismSilo.MigrateAsync(builder.Configuration);
builder.AddPrismBackingServices();
builder.AddPrismSilo();
var app = builder.Build();
app.MapGet("/healthz", () => "ok");
app.MapOrleansDashboard(routePrefix: "/dashboard");
app.Run();
