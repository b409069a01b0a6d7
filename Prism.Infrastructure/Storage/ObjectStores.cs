using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Prism.Storage;

/// <summary>The input and output stores, built from <see cref="StorageOptions"/>.</summary>
public sealed class ObjectStores : IObjectStores, IDisposable
{
    public ObjectStores(IOptions<StorageOptions> options) : this(options.Value)
    {
    }

    public ObjectStores(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Input = Create(options.Input, "Input");
        Output = Create(options.Output, "Output");
    }

    public ObjectStores(IObjectStore input, IObjectStore output)
    {
        Input = input;
        Output = output;
    }

    public IObjectStore Input { get; }
    public IObjectStore Output { get; }

    /// <summary>Builds one store; <paramref name="store"/> (Input or Output) only serves error messages.</summary>
    public static IObjectStore Create(ObjectStoreOptions options, string store = "Store")
    {
        var failures = new List<string>();
        StorageOptionsValidator.Check(options, store, failures);
        if (failures.Count > 0) throw new OptionsValidationException(store, typeof(ObjectStoreOptions), failures);
        return options.IsS3 ? new S3ObjectStore(options) : new FileSystemObjectStore(options.Root!);
    }

    public void Dispose()
    {
        (Input as IDisposable)?.Dispose();
        if (!ReferenceEquals(Input, Output)) (Output as IDisposable)?.Dispose();
    }
}

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StorageOptions"/> from <c>Prism:Storage</c> of <paramref name="configuration"/>, validates
    /// them at start-up, and registers <see cref="IObjectStores"/> as a singleton.
    /// </summary>
    public static IServiceCollection AddPrismStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StorageOptions>()
            .Bind(configuration.GetSection(StorageOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        services.TryAddSingleton<IObjectStores, ObjectStores>();
        return services;
    }
}
