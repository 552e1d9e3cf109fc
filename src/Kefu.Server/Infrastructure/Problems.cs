using Kefu.Core.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace Kefu.Server.Infrastructure;

/// <summary>The one place where expected failures become RFC 9457 problem details.</summary>
public static class Problems
{
    public static ProblemHttpResult From(Error error) => error switch
    {
        NotFound e => TypedResults.Problem(e.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found"),
        Invalid e => TypedResults.Problem(new HttpValidationProblemDetails(e.Fields.ToDictionary())
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "Invalid input",
            Detail = e.Message + " " + string.Join(" ", e.Fields.Select(f => $"{f.Key}: {string.Join(" ", f.Value)}")),
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        }),
        Conflict e => TypedResults.Problem(e.Message, statusCode: StatusCodes.Status409Conflict, title: "Conflict"),
        Forbidden e => TypedResults.Problem(e.Message, statusCode: StatusCodes.Status403Forbidden, title: "Forbidden"),
        _ => throw new InvalidOperationException($"Unmapped error {error.GetType().Name}"),
    };
}

/// <summary>
/// Malformed requests (bad JSON, wrong types, missing body) become 400 problem details with the field named;
/// oversized bodies become 413; anything else is a bug: logged, and a 500 without internals.
/// </summary>
public sealed class ExceptionProblems(IProblemDetailsService problems, ILogger<ExceptionProblems> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail, errors) = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } =>
                (413, "Request too large", "The request body is larger than the server accepts.", null),
            BadHttpRequestException { InnerException: System.Text.Json.JsonException json } =>
                (400, "Malformed JSON", "The request body is not valid JSON for this operation.", JsonErrors(json)),
            BadHttpRequestException bad when BindingFailure(bad.Message) is { } field =>
                (400, "Invalid input", $"{field}: has a value of the wrong type.", new Dictionary<string, string[]> { [field] = ["has a value of the wrong type."] }),
            BadHttpRequestException bad when bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase) && bad.Message.Contains("not provided", StringComparison.OrdinalIgnoreCase) =>
                (400, "Invalid input", "body: is required: send a JSON object.", new Dictionary<string, string[]> { ["body"] = ["is required: send a JSON object."] }),
            BadHttpRequestException bad => (bad.StatusCode, "Bad request", bad.Message, null),
            Microsoft.EntityFrameworkCore.DbUpdateConcurrencyException =>
                (409, "Concurrent update", "The resource was changed by someone else. Reload it and apply your change again.", null),
            _ => (500, "Unexpected error", "Something went wrong on our side; it has been logged.", (Dictionary<string, string[]>?)null),
        };
        if (status == 500)
        {
            log.LogError(exception, "Unhandled exception for {Method} {Path}", http.Request.Method, http.Request.Path);
        }

        http.Response.StatusCode = status;
        ProblemDetails problem = errors is null
            ? new ProblemDetails { Status = status, Title = title, Detail = detail }
            : new HttpValidationProblemDetails(errors) { Status = status, Title = title, Detail = detail };
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
    }

    /// <summary>The field of 'Failed to bind parameter "Nullable&lt;int&gt; Limit" from "abc"', as the API spells it (limit).</summary>
    private static string? BindingFailure(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, """^Failed to bind parameter "(?:[^"]*\s)?([A-Za-z0-9_]+)" from""");
        return match.Success ? System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(match.Groups[1].Value) : null;
    }

    private static Dictionary<string, string[]> JsonErrors(System.Text.Json.JsonException json)
    {
        var path = json.Path is { Length: > 2 } p ? p.TrimStart('$', '.') : "body";
        // System.Text.Json's messages name CLR types; say what a client can act on instead.
        var message = json.Message.StartsWith("null is not allowed", StringComparison.Ordinal)
            ? json.Message.Split(" Path:")[0]
            : json.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? "has a value of the wrong type or an unknown name; see the API reference for the allowed values."
            : json.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "is not a field of this request."
                : $"is not valid JSON (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1}).";
        return new() { [path] = [message] };
    }
}
