namespace Prism.Gateway.Stac;

/// <summary>A request the STAC API refuses; written as <c>{"code","description"}</c> with <see cref="Status"/>.</summary>
public sealed class StacException(int status, string code, string description) : Exception(description)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    public static StacException BadParameter(string description) =>
        new(StatusCodes.Status400BadRequest, "InvalidParameterValue", description);

    public static StacException NotFound(string description) =>
        new(StatusCodes.Status404NotFound, "NotFound", description);

    public IResult ToResult() => Results.Json(new { code = Code, description = Message }, statusCode: Status, contentType: "application/json");
}
