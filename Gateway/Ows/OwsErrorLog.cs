using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Prism.Gateway.Ows;

/// <summary>Logs only unexpected failures (NoApplicableCode); request errors and successes are not logged (hot path).</summary>
public sealed partial class OwsErrorLog(ILogger<OwsErrorLog> logger)
{
    public void Failed(Exception e, HttpRequest request) => Failed(logger, e, request.Path.Value, request.QueryString.Value);

    [LoggerMessage(Level = LogLevel.Error, Message = "OGC request failed: {Path}{Query}")]
    private static partial void Failed(ILogger logger, Exception e, string? path, string? query);
}
