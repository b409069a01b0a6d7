using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Prism.Maps;

/// <summary>Registers the map services shared by silos and gateways.</summary>
public static class MapsServices
{
    /// <summary>
    /// <see cref="MapsOptions"/> (section <c>Prism:Maps</c>, validated at start), <see cref="LayerCatalog"/>,
    /// <see cref="TilePlanner"/>, <see cref="TileMemory"/> and the GDAL <see cref="IMapRenderer"/>. Safe to call
    /// more than once (a co-hosted gateway registers both sides).
    /// </summary>
    public static IServiceCollection AddPrismMapsCore(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(LayerCatalog))) return services;
        services.AddOptions<MapsOptions>().BindConfiguration(MapsOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<MapsOptions>, MapsOptionsValidator>();
        services.AddSingleton<LayerCatalog>();
        services.AddSingleton<TilePlanner>();
        services.AddSingleton<TileMemory>();
        services.TryAddSingleton<IMapRenderer, GdalMapRenderer>();
        return services;
    }

    private sealed class MapsOptionsValidator : IValidateOptions<MapsOptions>
    {
        public ValidateOptionsResult Validate(string? name, MapsOptions options) =>
            options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }

    /// <summary>Binds <see cref="MapsOptions"/> from a configuration (for tools and tests).</summary>
    public static MapsOptions ReadMapsOptions(this IConfiguration configuration)
    {
        var options = new MapsOptions();
        configuration.GetSection(MapsOptions.Section).Bind(options);
        return options;
    }
}

/// <summary>Silo side of the map services.</summary>
public static class MapsSiloHosting
{
    /// <summary>Registers what the tile, map-render and seed-job grains need (<see cref="MapsServices.AddPrismMapsCore"/>).</summary>
    public static Microsoft.Extensions.Hosting.IHostApplicationBuilder AddPrismMapsSilo(this Microsoft.Extensions.Hosting.IHostApplicationBuilder builder)
    {
        builder.Services.AddPrismMapsCore();
        return builder;
    }
}
