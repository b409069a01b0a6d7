using Microsoft.Extensions.Options;

namespace Prism.Storage;

/// <summary>The two object stores of the pipeline (configuration section <c>Prism:Storage</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Prism:Storage";

    /// <summary>Where packages arrive (<c>Prism:Storage:Input</c>).</summary>
    public ObjectStoreOptions Input { get; set; } = new();

    /// <summary>Where products are published (<c>Prism:Storage:Output</c>).</summary>
    public ObjectStoreOptions Output { get; set; } = new();
}

/// <summary>One object store: a local folder or an S3 bucket (with an optional key prefix).</summary>
public sealed class ObjectStoreOptions
{
    public const string FileSystemKind = "FileSystem";
    public const string S3Kind = "S3";

    /// <summary><c>FileSystem</c> or <c>S3</c>.</summary>
    public string Kind { get; set; } = FileSystemKind;

    /// <summary>The root folder (FileSystem).</summary>
    public string? Root { get; set; }

    /// <summary>The bucket (S3).</summary>
    public string? Bucket { get; set; }

    /// <summary>A key prefix inside the bucket (S3), e.g. <c>prism/</c>; empty for the whole bucket.</summary>
    public string? Prefix { get; set; }

    /// <summary>The S3 endpoint, e.g. <c>http://minio:9000</c>; empty for AWS itself (then <see cref="Region"/> decides).</summary>
    public string? ServiceUrl { get; set; }

    public string Region { get; set; } = "us-east-1";

    /// <summary>Static credentials; when empty the SDK's default credential chain is used.</summary>
    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary>Create the bucket on first use when it does not exist.</summary>
    public bool CreateBucket { get; set; }

    public bool IsS3 => string.Equals(Kind, S3Kind, StringComparison.OrdinalIgnoreCase);
    public bool IsFileSystem => string.Equals(Kind, FileSystemKind, StringComparison.OrdinalIgnoreCase);
}

/// <summary>Checks <see cref="StorageOptions"/> at start-up; every message names the environment variable to set.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        Check(options.Input, "Input", failures);
        Check(options.Output, "Output", failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The failures of one store's options (empty when valid); <paramref name="store"/> is Input or Output.</summary>
    public static void Check(ObjectStoreOptions? options, string store, List<string> failures)
    {
        if (options is null)
        {
            failures.Add($"{Key(store, "Kind")} is missing: set {Env(store, "Kind")} to FileSystem or S3");
            return;
        }
        if (options.IsFileSystem)
        {
            if (string.IsNullOrWhiteSpace(options.Root))
                failures.Add($"{Key(store, "Root")} is required for a FileSystem store: set {Env(store, "Root")} to a folder");
        }
        else if (options.IsS3)
        {
            if (string.IsNullOrWhiteSpace(options.Bucket))
                failures.Add($"{Key(store, "Bucket")} is required for an S3 store: set {Env(store, "Bucket")}");
            if (string.IsNullOrWhiteSpace(options.Region))
                failures.Add($"{Key(store, "Region")} must not be empty: set {Env(store, "Region")} (e.g. us-east-1)");
            if (!string.IsNullOrWhiteSpace(options.ServiceUrl)
                && !(Uri.TryCreate(options.ServiceUrl, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)))
                failures.Add($"{Key(store, "ServiceUrl")} '{options.ServiceUrl}' is not an http(s) URL: set {Env(store, "ServiceUrl")}");
            if (string.IsNullOrEmpty(options.AccessKey) != string.IsNullOrEmpty(options.SecretKey))
                failures.Add($"{Key(store, "AccessKey")} and {Key(store, "SecretKey")} go together: set both {Env(store, "AccessKey")} and {Env(store, "SecretKey")} (or neither)");
            if (!string.IsNullOrEmpty(options.Prefix))
            {
                try { ObjectKey.ValidatePrefix(options.Prefix.TrimStart('/')); }
                catch (ArgumentException e) { failures.Add($"{Key(store, "Prefix")}: {e.Message}; fix {Env(store, "Prefix")}"); }
            }
        }
        else
        {
            failures.Add($"{Key(store, "Kind")} '{options.Kind}' is not FileSystem or S3: set {Env(store, "Kind")}");
        }
    }

    private static string Key(string store, string property) => $"{StorageOptions.SectionName}:{store}:{property}";
    private static string Env(string store, string property) => Key(store, property).Replace(":", "__", StringComparison.Ordinal);
}
