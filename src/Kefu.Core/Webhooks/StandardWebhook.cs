using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Kefu.Core.Webhooks;

/// <summary>Why a signed request was refused (or <see cref="Valid"/>).</summary>
public enum SignatureCheck
{
    Valid,

    /// <summary>webhook-id, webhook-timestamp or webhook-signature is absent.</summary>
    Missing,

    /// <summary>The timestamp is not a number of seconds.</summary>
    Malformed,

    /// <summary>The timestamp is more than the tolerance in the past (a replayed request).</summary>
    Stale,

    /// <summary>The timestamp is more than the tolerance in the future (the sender's clock is wrong).</summary>
    Future,

    /// <summary>No v1 signature matches any of the secrets.</summary>
    Mismatch,
}

/// <summary>
/// Standard Webhooks signing (https://www.standardwebhooks.com): the signature is
/// <c>v1,base64(HMAC-SHA256(key, "{webhook-id}.{webhook-timestamp}.{body}"))</c> where the key is the base64 part of a
/// <c>whsec_…</c> secret. Several space-separated signatures may be sent (one per secret while a secret is rotated);
/// one match is enough. Receivers refuse timestamps more than five minutes away from their clock.
/// </summary>
public static class StandardWebhook
{
    public const string SecretPrefix = "whsec_";
    public const string IdHeader = "webhook-id";
    public const string TimestampHeader = "webhook-timestamp";
    public const string SignatureHeader = "webhook-signature";

    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    /// <summary>A new secret from random bytes (24 to 64 of them; the caller supplies them, so this stays pure).</summary>
    public static string NewSecret(ReadOnlySpan<byte> random) =>
        random.Length is < 24 or > 64
            ? throw new ArgumentOutOfRangeException(nameof(random), "A webhook secret needs 24 to 64 random bytes.")
            : SecretPrefix + Convert.ToBase64String(random);

    /// <summary>The HMAC key of a secret: the base64 after whsec_ (a secret without the prefix is accepted too, as the spec's libraries do).</summary>
    public static byte[]? Key(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return null;
        }

        var encoded = secret.StartsWith(SecretPrefix, StringComparison.Ordinal) ? secret[SecretPrefix.Length..] : secret;
        var buffer = new byte[encoded.Length];
        return Convert.TryFromBase64String(encoded, buffer, out var written) && written > 0 ? buffer[..written] : null;
    }

    public static bool IsValidSecret(string? secret) => Key(secret) is { Length: >= 16 };

    public static string Sign(string secret, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var key = Key(secret) ?? throw new ArgumentException("Not a webhook secret (whsec_ followed by base64).", nameof(secret));
        return "v1," + Convert.ToBase64String(Mac(key, id, timestamp, body));
    }

    public static string Sign(string secret, string id, long timestamp, string body) => Sign(secret, id, timestamp, Encoding.UTF8.GetBytes(body));

    /// <summary>The webhook-signature header value: one v1 signature per secret, space-separated.</summary>
    public static string SignatureHeaderValue(IEnumerable<string> secrets, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var parts = new List<string>();
        foreach (var secret in secrets)
        {
            parts.Add(Sign(secret, id, timestamp, body));
        }

        return string.Join(' ', parts);
    }

    /// <summary>Checks a signed request against every secret that is currently valid; time is a parameter.</summary>
    public static SignatureCheck Verify(
        IReadOnlyList<string> secrets, string? id, string? timestamp, string? signatures, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(id) || string.IsNullOrWhiteSpace(timestamp) || string.IsNullOrWhiteSpace(signatures))
        {
            return SignatureCheck.Missing;
        }

        if (!long.TryParse(timestamp.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253_402_300_799)
        {
            return SignatureCheck.Malformed;
        }

        var at = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (now - at > Tolerance)
        {
            return SignatureCheck.Stale;
        }

        if (at - now > Tolerance)
        {
            return SignatureCheck.Future;
        }

        var keys = secrets.Select(Key).OfType<byte[]>().ToList();
        foreach (var part in signatures.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var comma = part.IndexOf(',');
            if (comma < 0 || part[..comma] != "v1")
            {
                continue;
            }

            var given = new byte[part.Length];
            if (!Convert.TryFromBase64String(part[(comma + 1)..], given, out var length))
            {
                continue;
            }

            foreach (var key in keys)
            {
                if (CryptographicOperations.FixedTimeEquals(Mac(key, id.Trim(), seconds, body), given.AsSpan(0, length)))
                {
                    return SignatureCheck.Valid;
                }
            }
        }

        return SignatureCheck.Mismatch;
    }

    public static SignatureCheck Verify(IReadOnlyList<string> secrets, string? id, string? timestamp, string? signatures, string body, DateTimeOffset now) =>
        Verify(secrets, id, timestamp, signatures, Encoding.UTF8.GetBytes(body), now);

    /// <summary>What to tell the sender, without revealing anything about the secret.</summary>
    public static string Explain(SignatureCheck check) => check switch
    {
        SignatureCheck.Valid => "The signature is valid.",
        SignatureCheck.Missing => "Sign the request: the webhook-id, webhook-timestamp and webhook-signature headers are required.",
        SignatureCheck.Malformed => "webhook-timestamp must be the time of signing in whole seconds since 1970-01-01 UTC.",
        SignatureCheck.Stale => "webhook-timestamp is more than 5 minutes old: sign every request (and every retry) when you send it, and check your clock.",
        SignatureCheck.Future => "webhook-timestamp is more than 5 minutes in the future: check your clock.",
        SignatureCheck.Mismatch => "webhook-signature does not match: sign \"{webhook-id}.{webhook-timestamp}.{raw body}\" with HMAC-SHA256 and the integration's secret, base64, prefixed v1,.",
    };

    /// <summary>The secrets valid at a time: the current one, and the previous one during its grace period after a rotation.</summary>
    public static IReadOnlyList<string> ActiveSecrets(string current, string? previous, DateTimeOffset? previousUntil, DateTimeOffset now) =>
        previous is not null && previousUntil > now ? [current, previous] : [current];

    private static byte[] Mac(byte[] key, string id, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes($"{id}.{timestamp.ToString(CultureInfo.InvariantCulture)}.");
        var content = new byte[prefix.Length + body.Length];
        prefix.CopyTo(content, 0);
        body.CopyTo(content.AsSpan(prefix.Length));
        return HMACSHA256.HashData(key, content);
    }
}
