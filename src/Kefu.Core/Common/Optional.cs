namespace Kefu.Core.Common;

/// <summary>
/// A field of a partial update: absent (leave unchanged) or present with a value, which may be null (clear it).
/// </summary>
public readonly record struct Optional<T>(bool HasValue, T Value)
{
    public static Optional<T> Absent => default;

    public static implicit operator Optional<T>(T value) => new(true, value);
}
