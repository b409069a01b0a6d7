using Orleans.Runtime;
using Orleans.Storage;

namespace Prism.Persistence;

/// <summary>
/// Puts the grain type into the state name handed to an inner storage. The Orleans ADO.NET storage keys a state by
/// state name and grain key only (its stored key has no grain type), so two grain classes with the same key and the
/// same state name would share one row; through this decorator the PostgreSQL row is keyed by
/// <c>{grain type}/{state name}</c> + grain key, like the embedded SQLite storage. The grain type is Orleans' grain
/// type name (the class name by convention, or <c>[GrainType("...")]</c>): give long-lived grains an explicit
/// <c>[GrainType]</c> so that renaming the class keeps its state.
/// </summary>
public sealed class GrainTypeScopedGrainStorage : IGrainStorage
{
    private readonly IGrainStorage _inner;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    public GrainTypeScopedGrainStorage(IGrainStorage inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <summary>The state name the inner storage sees for a grain's state.</summary>
    public static string ScopedStateName(GrainId grainId, string stateName) => $"{grainId.Type}/{stateName}";

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _inner.ReadStateAsync(ScopedStateName(grainId, stateName), grainId, grainState);

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        _inner.ReadStateAsync(ScopedStateName(grainId, stateName), grainId, grainState, cancellationToken);

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _inner.WriteStateAsync(ScopedStateName(grainId, stateName), grainId, grainState);

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        _inner.WriteStateAsync(ScopedStateName(grainId, stateName), grainId, grainState, cancellationToken);

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        _inner.ClearStateAsync(ScopedStateName(grainId, stateName), grainId, grainState);

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        _inner.ClearStateAsync(ScopedStateName(grainId, stateName), grainId, grainState, cancellationToken);
}
