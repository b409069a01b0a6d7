namespace Prism.Gateway.OpenSearch;

/// <summary>A refused request: HTTP status (4xx), a message for the client and the offending parameter.</summary>
public sealed class OpenSearchException(string message, string? parameter = null, int status = 400) : Exception(message)
{
    public string? Parameter { get; } = parameter;
    public int Status { get; } = status;

    /// <summary>OWS-style exception code for XML answers.</summary>
    public string Code => Status switch
    {
        404 => "NotFound",
        _ => Parameter is null ? "NoApplicableCode" : "InvalidParameterValue",
    };

    /// <summary>A value echoed in a message, cut to a readable length.</summary>
    internal static string Echo(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
