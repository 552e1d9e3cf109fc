namespace Kefu.Core.Common;

/// <summary>An expected failure. Mapped once to RFC 9457 problem details by the server.</summary>
public abstract record Error(string Message);

public sealed record NotFound(string Resource, string Id) : Error($"{Resource} '{Id}' was not found.");

public sealed record Invalid(IReadOnlyDictionary<string, string[]> Fields)
    : Error("One or more fields are invalid.")
{
    public static Invalid Field(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

public sealed record Conflict(string Message) : Error(Message);

public sealed record Forbidden(string Message) : Error(Message);

/// <summary>A value or an <see cref="Error"/>.</summary>
public readonly record struct Result<T>
{
    private readonly T? value;

    private Result(T? value, Error? error)
    {
        this.value = value;
        Error = error;
    }

    public Error? Error { get; }

    public bool IsOk => Error is null;

    public T Value => Error is null ? value! : throw new InvalidOperationException($"Result holds an error: {Error.Message}");

    public static implicit operator Result<T>(T value) => new(value, null);

    public static implicit operator Result<T>(Error error) => new(default, error);
}
