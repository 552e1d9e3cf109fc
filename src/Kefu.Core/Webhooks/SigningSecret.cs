namespace Kefu.Core.Webhooks;

/// <summary>
/// A whsec_ secret with its predecessor: after a rotation the previous secret stays valid for a grace period, so
/// the other side can switch over without losing a request (both are sent as signatures meanwhile).
/// </summary>
public sealed class SigningSecret
{
    public static readonly TimeSpan RotationGrace = TimeSpan.FromHours(24);

    private SigningSecret()
    {
    }

    public string Current { get; private set; } = "";

    public string? Previous { get; private set; }

    public DateTimeOffset? PreviousUntil { get; private set; }

    public static SigningSecret Create(string secret) => new() { Current = secret };

    public IReadOnlyList<string> ActiveAt(DateTimeOffset now) => StandardWebhook.ActiveSecrets(Current, Previous, PreviousUntil, now);

    /// <summary>Replaces the secret; the old one keeps working for <see cref="RotationGrace"/> unless <paramref name="immediately"/> (a leaked secret).</summary>
    public void Rotate(string next, DateTimeOffset now, bool immediately)
    {
        Previous = immediately ? null : Current;
        PreviousUntil = immediately ? null : now + RotationGrace;
        Current = next;
    }
}
