using Microsoft.AspNetCore.Identity;

namespace Kefu.Data;

/// <summary>The sign-in record of an agent; shares its Id with <see cref="Core.Agents.Agent"/>.</summary>
public sealed class KefuUser : IdentityUser<Guid>
{
}
