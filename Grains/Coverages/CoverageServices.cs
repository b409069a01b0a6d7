using Microsoft.Extensions.DependencyInjection;

namespace Prism.Coverages;

/// <summary>Registration of the WCS coverage service, for silos and gateways alike.</summary>
public static class CoverageServices
{
    /// <summary>
    /// Binds <see cref="CoverageOptions"/> from <c>Prism:Wcs</c> (validated at start). The <see cref="CoverageGrain"/>
    /// also needs the <c>GdalWorkPool</c> and <c>IObjectStores</c> the silo registers anyway; the gateway's WCS handler
    /// needs <c>ICatalog</c> and an <c>IGrainFactory</c>. Safe to call more than once (a co-hosted gateway calls it
    /// for both sides).
    /// </summary>
    public static IServiceCollection AddPrismWcs(this IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(CoverageServicesMarker))) return services;
        services.AddSingleton<CoverageServicesMarker>();
        services.AddOptions<CoverageOptions>().BindConfiguration(CoverageOptions.Section)
            .Validate(o => o.MaxWidth > 0 && o.MaxHeight > 0 && o.MaxBytes > 0 && o.MaxDescribeCount > 0 && o.MaxCapabilitiesCoverages > 0,
                "Prism:Wcs limits must be positive")
            .ValidateOnStart();
        return services;
    }

    private sealed class CoverageServicesMarker;
}
