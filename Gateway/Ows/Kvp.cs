using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Prism.Gateway.Ows;

/// <summary>OGC key-value-pair parameters: keys are case-insensitive, the first value of a repeated key wins.</summary>
public sealed class Kvp
{
    private readonly IQueryCollection _query;

    public Kvp(IQueryCollection query) => _query = query;

    /// <summary>Parses a query string (with or without the leading <c>?</c>).</summary>
    public static Kvp Parse(string query) => new(new QueryCollection(QueryHelpers.ParseQuery(query)));

    /// <summary>The value, or null when the key is absent.</summary>
    public string? this[string key] => _query.TryGetValue(key, out StringValues v) && v.Count > 0 ? v[0] ?? "" : null;

    public bool Has(string key) => _query.ContainsKey(key);

    /// <summary>The value; absent or empty → MissingParameterValue with the given locator.</summary>
    public string Required(string key, string locator)
    {
        var v = this[key];
        if (string.IsNullOrWhiteSpace(v))
            throw new OwsException(OwsExceptionCode.MissingParameterValue, $"Missing parameter {locator}", locator);
        return v.Trim();
    }
}
