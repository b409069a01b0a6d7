namespace Prism.Gdal;

/// <summary>Severity of a GDAL message (<c>CPLErr</c>).</summary>
public enum GdalErrorClass
{
    None = 0,
    Debug = 1,
    Warning = 2,
    Failure = 3,
    Fatal = 4,
}

/// <summary>One message GDAL reported through its error handler on the calling thread.</summary>
public sealed record GdalMessage(GdalErrorClass Class, int ErrorNumber, string Text);

/// <summary>
/// A GDAL call failed. <see cref="Exception.Message"/> is GDAL's own error message (<c>CPLGetLastErrorMsg</c>, or the
/// first failure reported on this thread during the call when that is more telling); <see cref="ErrorNumber"/> is the
/// <c>CPLErrorNum</c> (1 = AppDefined, 3 = FileIO, 4 = OpenFailed, 6 = NotSupported, …). <see cref="Messages"/> holds
/// every warning/failure GDAL reported on the calling thread during the call.
/// </summary>
public class GdalException : Exception
{
    public GdalException(string message, int errorNumber = 0, IReadOnlyList<GdalMessage>? messages = null, Exception? inner = null)
        : base(message, inner)
    {
        ErrorNumber = errorNumber;
        Messages = messages ?? [];
    }

    public int ErrorNumber { get; }
    public IReadOnlyList<GdalMessage> Messages { get; }
}

/// <summary>
/// The input is not a usable raster: not recognised by GDAL, truncated or unreadable, or without georeferencing.
/// Retrying cannot help (ingestion treats it as a permanent failure). The message includes GDAL's message.
/// </summary>
public class InvalidRasterException : GdalException
{
    public InvalidRasterException(string message, int errorNumber = 0, IReadOnlyList<GdalMessage>? messages = null, Exception? inner = null)
        : base(message, errorNumber, messages, inner) { }
}

/// <summary>
/// The raster exceeds the configured size limits (<see cref="CogRequest.MaxWidth"/>, <see cref="CogRequest.MaxHeight"/>,
/// <see cref="CogRequest.MaxPixels"/>). Thrown after reading only the header, before any pixel is read.
/// A kind of <see cref="InvalidRasterException"/>: the product is permanently refused.
/// </summary>
public sealed class RasterLimitException : InvalidRasterException
{
    public RasterLimitException(string message, int width, int height) : base(message)
    {
        Width = width;
        Height = height;
    }

    public int Width { get; }
    public int Height { get; }
}
