using System.Security.Cryptography;
using Kefu.Core.Agents;
using Kefu.Core.Common;
using Kefu.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Admin;

public sealed record AgentDto(
    Guid Id, string Email, string DisplayName, AgentRole Role, IReadOnlyList<Guid> TeamIds, string Language, bool IsActive, DateTimeOffset CreatedAt, string? Signature)
{
    public static AgentDto From(Agent a) => new(a.Id, a.Email, a.DisplayName, a.Role, a.TeamIds, a.Language, a.IsActive, a.CreatedAt, a.Signature);
}

public sealed record SignatureRequest(string? Signature);

/// <summary>The password is shown once, when it was generated; the agent must change it at the first sign-in.</summary>
public sealed record CreatedAgent(AgentDto Agent, string? OneTimePassword);

public sealed record CreateAgentRequest(string? Email, string? DisplayName, AgentRole? Role, IReadOnlyList<Guid>? TeamIds, string? Language, string? Password);

public sealed record UpdateAgentRequest(string? DisplayName, AgentRole? Role, IReadOnlyList<Guid>? TeamIds, string? Language, bool? IsActive, string? Password);

/// <summary>Creates and changes agents together with their sign-in records, in one transaction.</summary>
public sealed class AgentAccounts(KefuDbContext db, UserManager<KefuUser> users)
{
    public async Task<Result<CreatedAgent>> CreateAsync(Actor actor, DateTimeOffset now, CreateAgentRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (request.Role is null)
        {
            errors.Add("role", "is required (agent, supervisor or admin).");
        }

        await CheckTeamsAsync(errors, request.TeamIds, ct);
        var created = Agent.Create(Guid.CreateVersion7(now), request.Email, request.DisplayName, request.Role ?? AgentRole.Agent, request.TeamIds, request.Language, now);
        if (!created.IsOk || errors.ToError() is not null)
        {
            return errors.Include(created.Error).ToError() ?? created.Error!;
        }

        var agent = created.Value;
        if (await db.Agents.AnyAsync(a => a.Email == agent.Email, ct))
        {
            return new Conflict($"An agent with the e-mail {agent.Email} already exists.");
        }

        var password = request.Password ?? OneTimePassword();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Agents.Add(agent);
        db.Activities.Add(ActivityEntry.Create(actor, now, "agent", agent.Id, "created", new("role", null, agent.Role.Wire())));
        await db.SaveChangesAsync(ct);
        var user = new KefuUser { Id = agent.Id, UserName = agent.Email, Email = agent.Email, EmailConfirmed = true, MustChangePassword = request.Password is null };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            return PasswordErrors(result);
        }

        await tx.CommitAsync(ct);
        return new CreatedAgent(AgentDto.From(agent), request.Password is null ? password : null);
    }

    public async Task<Result<CreatedAgent>> UpdateAsync(Actor actor, DateTimeOffset now, Guid id, UpdateAgentRequest request, CancellationToken ct)
    {
        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (agent is null)
        {
            return new NotFound("Agent", id.ToString());
        }

        var errors = new FieldErrors();
        await CheckTeamsAsync(errors, request.TeamIds, ct);
        if (actor.Id == id && (request.IsActive == false || request.Role is { } role && role != AgentRole.Admin && agent.Role == AgentRole.Admin))
        {
            errors.Add(request.IsActive == false ? "isActive" : "role", "you cannot deactivate or demote yourself; ask another admin.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = agent.Update(request.DisplayName, request.Role, request.TeamIds, request.Language, request.IsActive);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "agent", agent.Id, changes.Value));
        await db.SaveChangesAsync(ct);
        var user = await users.FindByIdAsync(id.ToString()) ?? throw new InvalidOperationException($"Agent {id} has no sign-in record.");
        if (request.Password is not null)
        {
            var reset = await users.RemovePasswordAsync(user);
            reset = reset.Succeeded ? await users.AddPasswordAsync(user, request.Password) : reset;
            if (!reset.Succeeded)
            {
                return PasswordErrors(reset);
            }

            user.MustChangePassword = false;
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            db.Activities.Add(ActivityEntry.Create(actor, now, "agent", agent.Id, "password_set"));
        }

        // Sign-in cookies carry the role: a new security stamp makes them re-validate within a minute.
        if (changes.Value.Count > 0 || request.Password is not null)
        {
            await users.UpdateSecurityStampAsync(user);
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return new CreatedAgent(AgentDto.From(agent), null);
    }

    /// <summary>16 characters from an alphabet without look-alikes (no 0/O, 1/l/I).</summary>
    public static string OneTimePassword()
    {
        const string alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        return RandomNumberGenerator.GetString(alphabet, 14) + RandomNumberGenerator.GetString("23456789", 1) + RandomNumberGenerator.GetString("abcdefghijkmnpqrstuvwxyz", 1);
    }

    private async Task CheckTeamsAsync(FieldErrors errors, IReadOnlyList<Guid>? teamIds, CancellationToken ct)
    {
        if (teamIds is { Count: > 0 })
        {
            var known = await db.Teams.Where(t => teamIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
            foreach (var missing in teamIds.Except(known))
            {
                errors.Add("teamIds", $"no team has the id {missing}.");
            }
        }
    }

    private static Invalid PasswordErrors(IdentityResult result) =>
        new(new Dictionary<string, string[]> { ["password"] = result.Errors.Select(e => e.Description).ToArray() });
}

/// <summary>What agents change about themselves.</summary>
public static class AgentProfile
{
    public static async Task<Result<AgentDto>> SetSignatureAsync(KefuDbContext db, Guid agentId, DateTimeOffset now, string? signature, CancellationToken ct)
    {
        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == agentId, ct);
        if (agent is null)
        {
            return new NotFound("Agent", agentId.ToString());
        }

        var changed = agent.SetSignature(signature);
        if (!changed.IsOk)
        {
            return changed.Error!;
        }

        if (changed.Value is { } change)
        {
            db.Activities.Add(ActivityEntry.Create(agent.AsActor, now, "agent", agent.Id, "updated", change));
            await db.SaveChangesAsync(ct);
        }

        return AgentDto.From(agent);
    }
}
