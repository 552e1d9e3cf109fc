using Kefu.Core.Common;

namespace Kefu.Core.Agents;

public enum AgentRole
{
    Agent,
    Supervisor,
    Admin,
}

public static class Roles
{
    public const string Agent = "agent";
    public const string Supervisor = "supervisor";
    public const string Admin = "admin";

    public static string Wire(this AgentRole role) => role switch
    {
        AgentRole.Agent => Agent,
        AgentRole.Supervisor => Supervisor,
        AgentRole.Admin => Admin,
    };

    /// <summary>Roles are ordered: a supervisor may do what an agent may, an admin what a supervisor may.</summary>
    public static bool Includes(this AgentRole role, AgentRole required) => role >= required;
}

/// <summary>A member of the support team who signs in. Deactivated rather than deleted: history refers to them.</summary>
public sealed class Agent
{
    private Agent()
    {
    }

    public Guid Id { get; private set; }

    public string Email { get; private set; } = "";

    public string DisplayName { get; private set; } = "";

    public AgentRole Role { get; private set; }

    public List<Guid> TeamIds { get; private set; } = [];

    /// <summary>UI language, "en" or "zh-CN".</summary>
    public string Language { get; private set; } = "en";

    public bool IsActive { get; private set; } = true;

    public DateTimeOffset CreatedAt { get; private set; }

    public Actor AsActor => Actor.Agent(Id, DisplayName);

    public static Result<Agent> Create(Guid id, string? email, string? displayName, AgentRole role, IReadOnlyList<Guid>? teamIds, string? language, DateTimeOffset now)
    {
        var errors = new FieldErrors().Required("email", email, Limits.Email).Required("displayName", displayName, Limits.Name);
        if (email is not null && !email.Contains('@'))
        {
            errors.Add("email", "must be an e-mail address.");
        }

        ValidateLanguage(errors, language);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        return new Agent
        {
            Id = id,
            Email = email!.Trim().ToLowerInvariant(),
            DisplayName = displayName!.Trim(),
            Role = role,
            TeamIds = teamIds?.Distinct().ToList() ?? [],
            Language = language ?? "en",
            CreatedAt = now,
        };
    }

    public Result<IReadOnlyList<FieldChange>> Update(string? displayName, AgentRole? role, IReadOnlyList<Guid>? teamIds, string? language, bool? isActive)
    {
        var errors = new FieldErrors();
        if (displayName is not null)
        {
            errors.Required("displayName", displayName, Limits.Name);
        }

        ValidateLanguage(errors, language);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        if (displayName is not null && displayName.Trim() != DisplayName)
        {
            changes.Add(new("displayName", DisplayName, displayName.Trim()));
            DisplayName = displayName.Trim();
        }

        if (role is not null && role != Role)
        {
            changes.Add(new("role", Role.Wire(), role.Value.Wire()));
            Role = role.Value;
        }

        if (teamIds is not null && !teamIds.Distinct().Order().SequenceEqual(TeamIds.Order()))
        {
            changes.Add(new("teamIds", string.Join(",", TeamIds), string.Join(",", teamIds.Distinct())));
            TeamIds = teamIds.Distinct().ToList();
        }

        if (language is not null && language != Language)
        {
            changes.Add(new("language", Language, language));
            Language = language;
        }

        if (isActive is not null && isActive != IsActive)
        {
            changes.Add(new("isActive", IsActive.ToString(), isActive.ToString()));
            IsActive = isActive.Value;
        }

        return changes;
    }

    public void LeaveTeam(Guid teamId) => TeamIds = TeamIds.Where(t => t != teamId).ToList();

    private static void ValidateLanguage(FieldErrors errors, string? language)
    {
        if (language is not null && language is not ("en" or "zh-CN"))
        {
            errors.Add("language", "must be \"en\" or \"zh-CN\".");
        }
    }
}

/// <summary>A group of agents (a skill group for routing).</summary>
public sealed class Team
{
    private Team()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public string? Description { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public static Result<Team> Create(Guid id, string? name, string? description, DateTimeOffset now)
    {
        if (Validate(name, description).ToError() is { } invalid)
        {
            return invalid;
        }

        return new Team { Id = id, Name = name!.Trim(), Description = description?.Trim(), CreatedAt = now };
    }

    public Result<IReadOnlyList<FieldChange>> Update(string? name, string? description)
    {
        if (Validate(name ?? Name, description).ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        if (name is not null && name.Trim() != Name)
        {
            changes.Add(new("name", Name, name.Trim()));
            Name = name.Trim();
        }

        if (description is not null && description.Trim() != Description)
        {
            changes.Add(new("description", Description, description.Trim()));
            Description = description.Trim();
        }

        return changes;
    }

    private static FieldErrors Validate(string? name, string? description) =>
        new FieldErrors().Required("name", name, Limits.Name).MaxLength("description", description, Limits.Description);
}
