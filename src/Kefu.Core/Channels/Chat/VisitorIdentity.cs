using System.Security.Cryptography;
using System.Text;

namespace Kefu.Core.Channels.Chat;

/// <summary>
/// Identity verification: the website signs its own user id with the inbox secret (HMAC-SHA256, hex), so a
/// visitor cannot claim to be someone else by editing the page.
/// </summary>
public static class VisitorIdentity
{
    public static string Sign(string secretHex, string externalId) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromHexString(secretHex), Encoding.UTF8.GetBytes(externalId)));

    public static bool Verify(string secretHex, string externalId, string? signature)
    {
        if (string.IsNullOrEmpty(signature) || signature.Length != 64 || !signature.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        var expected = Convert.FromHexString(Sign(secretHex, externalId));
        return CryptographicOperations.FixedTimeEquals(expected, Convert.FromHexString(signature));
    }
}
