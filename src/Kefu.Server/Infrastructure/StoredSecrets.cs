using Microsoft.AspNetCore.DataProtection;

namespace Kefu.Server.Infrastructure;

/// <summary>
/// Secrets Kefu must send on (mail passwords, API keys, lookup headers) are stored encrypted with Data Protection,
/// whose key ring lives in the database and is shared by every node. One purpose per kind of secret, so a value
/// stored for one cannot be decrypted as another. An empty stored value means "no secret".
/// </summary>
public abstract class StoredSecrets(IDataProtectionProvider provider, string purpose)
{
    private readonly IDataProtector protector = provider.CreateProtector(purpose);

    public string Protect(string secret) => protector.Protect(secret);

    public string Unprotect(string? stored) => string.IsNullOrEmpty(stored) ? "" : protector.Unprotect(stored);
}
