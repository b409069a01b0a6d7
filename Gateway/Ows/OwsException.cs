using Prism.Maps;

namespace Prism.Gateway.Ows;

/// <summary>The exception codes used by the OWS handlers (OWS Common 1.1, WMTS 1.0.0, WMS 1.3.0).</summary>
public static class OwsExceptionCode
{
    public const string MissingParameterValue = "MissingParameterValue";
    public const string InvalidParameterValue = "InvalidParameterValue";
    public const string OperationNotSupported = "OperationNotSupported";
    public const string VersionNegotiationFailed = "VersionNegotiationFailed";
    public const string NoApplicableCode = "NoApplicableCode";
    public const string TileOutOfRange = "TileOutOfRange";
    public const string LayerNotDefined = "LayerNotDefined";
    public const string StyleNotDefined = "StyleNotDefined";
    public const string InvalidCRS = "InvalidCRS";
    public const string InvalidSRS = "InvalidSRS";
    public const string InvalidFormat = "InvalidFormat";
    public const string InvalidDimensionValue = "InvalidDimensionValue";
    public const string MissingDimensionValue = "MissingDimensionValue";
    public const string InvalidPoint = "InvalidPoint";
    public const string LayerNotQueryable = "LayerNotQueryable";
}

/// <summary>A request error to report as an OGC exception: code, locator and HTTP status.</summary>
public sealed class OwsException(string code, string message, string? locator = null, int status = 400) : Exception(message)
{
    public string Code { get; } = code;
    public string? Locator { get; } = locator;
    public int Status { get; } = status;

    /// <summary>A backend error as WMTS 1.0.0 reports it (WMTS has no LayerNotDefined/StyleNotDefined: those become
    /// InvalidParameterValue with the parameter as locator).</summary>
    public static OwsException ForWmts(MapRequestException e) => e.Code switch
    {
        OwsExceptionCode.LayerNotDefined => new(OwsExceptionCode.InvalidParameterValue, e.Message, "Layer"),
        OwsExceptionCode.StyleNotDefined => new(OwsExceptionCode.InvalidParameterValue, e.Message, "Style"),
        OwsExceptionCode.InvalidFormat => new(OwsExceptionCode.InvalidParameterValue, e.Message, "Format"),
        OwsExceptionCode.InvalidCRS or OwsExceptionCode.InvalidSRS => new(OwsExceptionCode.InvalidParameterValue, e.Message, e.Locator ?? "TileMatrixSet"),
        OwsExceptionCode.TileOutOfRange => new(OwsExceptionCode.TileOutOfRange, e.Message, e.Locator ?? "TileRow"),
        OwsExceptionCode.InvalidDimensionValue or OwsExceptionCode.MissingDimensionValue => new(e.Code, e.Message, e.Locator ?? "time"),
        _ => Common(e),
    };

    /// <summary>A backend error as WMS reports it (the WMS codes are kept).</summary>
    public static OwsException ForWms(MapRequestException e) => e.Code switch
    {
        OwsExceptionCode.TileOutOfRange => new(OwsExceptionCode.InvalidParameterValue, e.Message, e.Locator),
        OwsExceptionCode.InvalidDimensionValue or OwsExceptionCode.MissingDimensionValue => new(e.Code, e.Message, e.Locator ?? "TIME"),
        _ => Common(e),
    };

    private static OwsException Common(MapRequestException e) => e.Code switch
    {
        OwsExceptionCode.OperationNotSupported => new(e.Code, e.Message, e.Locator, 501),
        OwsExceptionCode.NoApplicableCode or "" => new(OwsExceptionCode.NoApplicableCode, e.Message, e.Locator, 500),
        _ => new(e.Code, e.Message, e.Locator),
    };
}
