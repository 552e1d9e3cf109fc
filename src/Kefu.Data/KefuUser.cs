using Microsoft.AspNetCore.Identity;

namespace Kefu.Data;

/// <summary>The sign-in record of an agent; shares its Id with <see cref="Core.Agents.Agent"/>.</summary>
public sealed class KefuUser : IdentityUser<Guid>
{
    /// <summary>Set for generated one-time passwords: the agent must choose a new one at the next sign-in.</summary>
    public bool MustChangePassword { get; set; }
}
