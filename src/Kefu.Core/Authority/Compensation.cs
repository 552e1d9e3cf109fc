using Kefu.Core.Agents;
using Kefu.Core.Common;

namespace Kefu.Core.Authority;

public enum CompensationKind
{
    Compensation,
    Refund,
}

public enum ApprovalStatus
{
    /// <summary>Within the requester's own limit, or approved by a supervisor.</summary>
    Approved,
    Pending,
    Rejected,
}

/// <summary>
/// Delegated authority: how much each role may grant on its own (in the workspace currency's minor units, e.g. fen).
/// Above its limit a request waits for a supervisor (a role whose limit covers the amount).
/// </summary>
public sealed class AuthorityLimits
{
    public const int RowId = 1;
    public const long MaxAmount = 1_000_000_000_00;

    private AuthorityLimits()
    {
    }

    public int Id { get; private set; } = RowId;

    public string Currency { get; private set; } = "CNY";

    public long AgentLimit { get; private set; } = 200_00;

    public long SupervisorLimit { get; private set; } = 2_000_00;

    /// <summary>Null: admins may grant any amount.</summary>
    public long? AdminLimit { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public static AuthorityLimits Default(DateTimeOffset now) => new() { UpdatedAt = now };

    public long? LimitFor(AgentRole role) => role switch
    {
        AgentRole.Agent => AgentLimit,
        AgentRole.Supervisor => SupervisorLimit,
        AgentRole.Admin => AdminLimit,
    };

    public bool Covers(AgentRole role, long amount) => LimitFor(role) is not { } limit || amount <= limit;

    public Result<AuthorityLimits> Set(string? currency, long? agentLimit, long? supervisorLimit, long? adminLimit, DateTimeOffset now)
    {
        var errors = new FieldErrors();
        if (currency is not null && (currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper)))
        {
            errors.Add("currency", "must be a three-letter ISO 4217 code such as CNY.");
        }

        void Check(string field, long? v)
        {
            if (v is < 0 or > MaxAmount)
            {
                errors.Add(field, "must be between 0 and 1000000000.");
            }
        }

        Check("agentLimit", agentLimit);
        Check("supervisorLimit", supervisorLimit);
        Check("adminLimit", adminLimit);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        Currency = currency ?? Currency;
        AgentLimit = agentLimit ?? AgentLimit;
        SupervisorLimit = supervisorLimit ?? SupervisorLimit;
        AdminLimit = adminLimit;
        UpdatedAt = now;
        return this;
    }
}

/// <summary>A compensation or refund granted on a conversation: approved at once within the requester's limit, else pending a supervisor.</summary>
public sealed class CompensationRequest
{
    public const int MaxReason = 500;

    private CompensationRequest()
    {
    }

    public Guid Id { get; private set; }

    public Guid ConversationId { get; private set; }

    public CompensationKind Kind { get; private set; }

    /// <summary>In minor units of <see cref="Currency"/>.</summary>
    public long Amount { get; private set; }

    public string Currency { get; private set; } = "";

    public string Reason { get; private set; } = "";

    public Guid RequestedById { get; private set; }

    public string RequestedByName { get; private set; } = "";

    public ApprovalStatus Status { get; private set; }

    public Guid? DecidedById { get; private set; }

    public string? DecidedByName { get; private set; }

    public string? DecisionNote { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? DecidedAt { get; private set; }

    public static Result<CompensationRequest> Create(
        Guid id, Guid conversationId, CompensationKind? kind, long? amount, string? reason, Actor requester, AgentRole role, AuthorityLimits limits, DateTimeOffset now)
    {
        var errors = new FieldErrors().Required("reason", reason, MaxReason);
        if (kind is null || !Enum.IsDefined(kind.Value))
        {
            errors.Add("kind", "must be compensation or refund.");
        }

        if (amount is null or <= 0 or > AuthorityLimits.MaxAmount)
        {
            errors.Add("amount", "must be a positive amount in minor units (fen/cents), at most 100000000000.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var withinLimit = limits.Covers(role, amount!.Value);
        return new CompensationRequest
        {
            Id = id,
            ConversationId = conversationId,
            Kind = kind!.Value,
            Amount = amount.Value,
            Currency = limits.Currency,
            Reason = reason!.Trim(),
            RequestedById = requester.Id ?? Guid.Empty,
            RequestedByName = requester.Name,
            Status = withinLimit ? ApprovalStatus.Approved : ApprovalStatus.Pending,
            DecidedById = withinLimit ? requester.Id : null,
            DecidedByName = withinLimit ? requester.Name : null,
            DecidedAt = withinLimit ? now : null,
            CreatedAt = now,
        };
    }

    /// <summary>A supervisor decides: only while pending, only within the decider's own limit, never on their own request.</summary>
    public Result<FieldChange> Decide(bool approve, Actor decider, AgentRole role, AuthorityLimits limits, string? note, DateTimeOffset now)
    {
        if (Status != ApprovalStatus.Pending)
        {
            return new Conflict($"The request is already {WireName.Of(Status)}.");
        }

        if (!role.Includes(AgentRole.Supervisor))
        {
            return new Forbidden("Only supervisors and admins decide on compensation requests.");
        }

        if (decider.Id == RequestedById)
        {
            return new Forbidden("Nobody approves their own request.");
        }

        if (approve && !limits.Covers(role, Amount))
        {
            return new Forbidden($"The amount is above your own limit ({limits.LimitFor(role)} {Currency} minor units): an admin must approve it.");
        }

        if (note is { Length: > MaxReason })
        {
            return Invalid.Field("note", $"must be at most {MaxReason} characters.");
        }

        var change = new FieldChange("compensation", WireName.Of(Status), approve ? "approved" : "rejected");
        Status = approve ? ApprovalStatus.Approved : ApprovalStatus.Rejected;
        DecidedById = decider.Id;
        DecidedByName = decider.Name;
        DecisionNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        DecidedAt = now;
        return change;
    }

    public static string Format(long amount, string currency) => $"{amount / 100m:0.00} {currency}";
}
