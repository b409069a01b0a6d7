namespace Prism.Gateway.Ows.Wcs;

/// <summary>
/// WCS 2.0.1 exception codes with their HTTP status: OWS Common 2.0 (06-121r9) Table 28 and WCS 2.0.1 core
/// (09-110r4) Table 18; the EO-WCS, scaling, range-subsetting and KVP codes as those documents name them.
/// </summary>
public static class WcsExceptionCode
{
    public const string NoSuchCoverage = "NoSuchCoverage";                       // 404
    public const string EmptyCoverageIdList = "EmptyCoverageIdList";             // 404
    public const string InvalidAxisLabel = "InvalidAxisLabel";                   // 404
    public const string InvalidSubsetting = "InvalidSubsetting";                 // 404
    public const string NoSuchDatasetSeriesOrCoverage = "NoSuchDatasetSeriesOrCoverage"; // 404 (EO-WCS)
    public const string InvalidScaleFactor = "InvalidScaleFactor";               // 400 (scaling)
    public const string ScaleAxisUndefined = "ScaleAxisUndefined";               // 404 (scaling)
    public const string NoSuchField = "NoSuchField";                             // 404 (range subsetting)
    public const string InvalidEncodingSyntax = "InvalidEncodingSyntax";         // 400 (GET-KVP binding)
    public const string OptionNotSupported = "OptionNotSupported";               // 501

    public static OwsException Error(string code, string message, string? locator) => new(code, message, locator, Status(code));

    public static int Status(string code) => code switch
    {
        NoSuchCoverage or EmptyCoverageIdList or InvalidAxisLabel or InvalidSubsetting or NoSuchDatasetSeriesOrCoverage
            or ScaleAxisUndefined or NoSuchField => 404,
        OwsExceptionCode.OperationNotSupported or OptionNotSupported => 501,
        OwsExceptionCode.NoApplicableCode => 500,
        _ => 400,
    };
}
