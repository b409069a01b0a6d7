using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace Prism.Persistence;

/// <summary>
/// Grain state serializer on System.Text.Json used by every Prism grain storage (PostgreSQL and embedded).
/// <para>
/// The stored JSON carries no .NET type names: on reading, the shape is bound to the state type the grain declares
/// (<c>IPersistentState&lt;T&gt;</c>), so a state class can be renamed or moved to another namespace or assembly
/// without orphaning what is stored. Member names are camelCase (web style), enums are written as their names,
/// unknown members are skipped and missing members keep the values the state type's constructor gives them, so
/// adding or removing a state member needs no migration.
/// </para>
/// </summary>
public sealed class JsonGrainStateSerializer : IGrainStorageSerializer
{
    private readonly JsonSerializerOptions _options;

    /// <summary>A serializer with <see cref="CreateDefaultOptions"/>.</summary>
    public JsonGrainStateSerializer() : this(CreateDefaultOptions())
    {
    }

    /// <summary>A serializer with the given options (they are frozen by first use).</summary>
    public JsonGrainStateSerializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <summary>The options this serializer uses.</summary>
    public JsonSerializerOptions Options => _options;

    /// <summary>
    /// Web defaults (camelCase, case-insensitive reading, numbers also accepted as strings), enums as strings,
    /// unknown members skipped, comments and trailing commas tolerated on reading.
    /// </summary>
    public static JsonSerializerOptions CreateDefaultOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            WriteIndented = false,
        };
        options.Converters.Add(new JsonStringEnumConverter());
        return options;
    }

    /// <inheritdoc />
    public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input, _options));

    /// <inheritdoc />
    public T Deserialize<T>(BinaryData input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bytes = input.ToMemory();
        // An empty payload is an absent state: the storage then creates a fresh instance.
        if (bytes.IsEmpty) return default!;
        return JsonSerializer.Deserialize<T>(bytes.Span, _options)!;
    }
}
