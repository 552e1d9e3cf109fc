using Kefu.Core.Common;
using Kefu.Core.Tickets;

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

public enum Presence
{
    Offline,
    Online,
    Away,
    OnBreak,
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

    /// <summary>What the agent says they are doing; only Online agents get new chats.</summary>
    public Presence Presence { get; private set; }

    public DateTimeOffset? PresenceChangedAt { get; private set; }

    /// <summary>The last heartbeat of any open workspace; an agent silent for <see cref="HeartbeatTimeout"/> counts as offline.</summary>
    public DateTimeOffset? LastSeenAt { get; private set; }

    /// <summary>How many open chats the agent handles at once.</summary>
    public int ChatCapacity { get; private set; } = 5;

    /// <summary>Skills for routing (lower-case keys such as "refunds", "billing"); preferred when a category asks for one.</summary>
    public List<string> Skills { get; private set; } = [];

    /// <summary>Languages the agent serves customers in ("zh", "en", "ja"), besides the UI language.</summary>
    public List<string> Languages { get; private set; } = [];

    /// <summary>Most open conversations at once on channels other than chat (chat uses <see cref="ChatCapacity"/>); absent means no limit.</summary>
    public Dictionary<Channel, int> Capacities { get; private set; } = [];

    public const int MaxSkills = 30;

    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Most open conversations at once on <paramref name="channel"/>; null is no limit.</summary>
    public int? CapacityFor(Channel channel) =>
        channel == Channel.Chat ? ChatCapacity : Capacities.TryGetValue(channel, out var capacity) ? capacity : null;

    /// <summary>Replaces the routing profile parts that are given.</summary>
    public Result<IReadOnlyList<FieldChange>> SetRouting(IReadOnlyList<string>? skills, IReadOnlyList<string>? languages, IReadOnlyDictionary<Channel, int>? capacities)
    {
        var errors = new FieldErrors();
        CheckKeys(errors, "skills", skills, Limits.Tag);
        CheckKeys(errors, "languages", languages, Limits.Language);
        foreach (var (channel, capacity) in capacities ?? new Dictionary<Channel, int>())
        {
            if (!Enum.IsDefined(channel) || channel == Channel.Chat)
            {
                errors.Add("capacities", $"{channel} is not a channel with its own capacity (chat uses chatCapacity).");
            }
            else if (capacity is < 0 or > 1000)
            {
                errors.Add($"capacities.{channel.ToString().ToLowerInvariant()}", "must be between 0 and 1000.");
            }
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        if (skills is not null && Keys(skills) is var s && !s.SequenceEqual(Skills))
        {
            changes.Add(new("skills", string.Join(",", Skills), string.Join(",", s)));
            Skills = s;
        }

        if (languages is not null && Keys(languages) is var l && !l.SequenceEqual(Languages))
        {
            changes.Add(new("languages", string.Join(",", Languages), string.Join(",", l)));
            Languages = l;
        }

        if (capacities is not null && !capacities.OrderBy(c => c.Key).SequenceEqual(Capacities.OrderBy(c => c.Key)))
        {
            changes.Add(new("capacities", Format(Capacities), Format(capacities)));
            Capacities = capacities.ToDictionary();
        }

        return changes;

        static List<string> Keys(IEnumerable<string> values) =>
            values.Select(v => v.Trim().ToLowerInvariant()).Where(v => v.Length > 0).Distinct().Order(StringComparer.Ordinal).ToList();

        static string Format(IEnumerable<KeyValuePair<Channel, int>> values) =>
            string.Join(",", values.OrderBy(v => v.Key).Select(v => $"{v.Key.ToString().ToLowerInvariant()}={v.Value}"));
    }

    private static void CheckKeys(FieldErrors errors, string field, IReadOnlyList<string>? values, int maxLength)
    {
        if (values is null)
        {
            return;
        }

        if (values.Count > MaxSkills)
        {
            errors.Add(field, $"must contain at most {MaxSkills} entries.");
        }

        for (var i = 0; i < values.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(values[i]) || values[i].Trim().Length > maxLength)
            {
                errors.Add($"{field}[{i}]", $"must be 1 to {maxLength} characters.");
            }
        }
    }

    /// <summary>Online now: said so and a workspace is still open.</summary>
    public bool IsAvailable(DateTimeOffset now) =>
        IsActive && Presence == Presence.Online && LastSeenAt is { } seen && now - seen <= HeartbeatTimeout;

    /// <summary>The presence others see: a closed workspace reads as offline whatever was chosen.</summary>
    public Presence EffectivePresence(DateTimeOffset now) =>
        IsActive && LastSeenAt is { } seen && now - seen <= HeartbeatTimeout ? Presence : Presence.Offline;

    public FieldChange? SetPresence(Presence presence, DateTimeOffset now)
    {
        LastSeenAt = now;
        if (presence == Presence)
        {
            return null;
        }

        var change = new FieldChange("presence", Presence.ToString(), presence.ToString());
        Presence = presence;
        PresenceChangedAt = now;
        return change;
    }

    public void Heartbeat(DateTimeOffset now) => LastSeenAt = now;

    public Result<FieldChange?> SetChatCapacity(int capacity)
    {
        if (capacity is < 0 or > 50)
        {
            return Invalid.Field("chatCapacity", "must be between 0 and 50.");
        }

        var change = capacity == ChatCapacity ? null : new FieldChange("chatCapacity", ChatCapacity.ToString(), capacity.ToString());
        ChatCapacity = capacity;
        return change;
    }

    /// <summary>The agent's own e-mail signature; replaces the inbox's signature on their replies when set.</summary>
    public string? Signature { get; private set; }

    public Result<FieldChange?> SetSignature(string? signature)
    {
        var next = string.IsNullOrWhiteSpace(signature) ? null : signature.Trim().ReplaceLineEndings("\n");
        if (next is { Length: > Limits.Description })
        {
            return Invalid.Field("signature", $"must be at most {Limits.Description} characters.");
        }

        var change = next == Signature ? null : new FieldChange("signature", Signature, next);
        Signature = next;
        return change;
    }

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
