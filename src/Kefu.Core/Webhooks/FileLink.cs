using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Kefu.Core.Webhooks;

/// <summary>
/// A link an integration can fetch an attachment with, without a Kefu sign-in: the file's address plus
/// <c>?integration={id}&amp;expires={unix seconds}&amp;sig={base64url HMAC-SHA256(key, "{sha256}.{expires}")}</c>, keyed with the
/// integration's own signing secret, so only Kefu could have made it and only for that file, until it expires.
/// </summary>
public static class FileLink
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public static string Sign(string url, string sha256, Guid integrationId, string secret, DateTimeOffset now)
    {
        var expires = (now + Lifetime).ToUnixTimeSeconds();
        var separator = url.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return $"{url}{separator}integration={integrationId}&expires={expires}&sig={Mac(secret, sha256, expires)}";
    }

    /// <summary>True when the signature matches one of the secrets for this file and the link has not expired.</summary>
    public static bool Verify(IReadOnlyList<string> secrets, string sha256, string? expires, string? sig, DateTimeOffset now)
    {
        if (sig is null || !long.TryParse(expires, NumberStyles.None, CultureInfo.InvariantCulture, out var until) || now.ToUnixTimeSeconds() > until)
        {
            return false;
        }

        var given = Encoding.ASCII.GetBytes(sig);
        return secrets.Any(s => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Mac(s, sha256, until)), given));
    }

    private static string Mac(string secret, string sha256, long expires)
    {
        var key = StandardWebhook.Key(secret) ?? Encoding.UTF8.GetBytes(secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{sha256}.{expires.ToString(CultureInfo.InvariantCulture)}"));
        return Convert.ToBase64String(mac).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
