using System.Linq.Expressions;
using Kefu.Core.Agents;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Conversations;

/// <summary>
/// List filters. Assignee is "me", "none" or an agent id; Status may repeat. Teams keeps conversations of any of
/// these teams; VisibleTo keeps only what that agent may see (the agent UI and the REST API always set it).
/// </summary>
public sealed record ConversationFilter(
    IReadOnlyList<ConversationStatus>? Status = null, string? Assignee = null, Guid? Team = null, Guid? Category = null,
    string? Tag = null, Channel? Channel = null, Guid? Customer = null, Priority? Priority = null, string? Q = null,
    int Limit = 25, string? Cursor = null, bool IncludeMerged = false, IReadOnlyList<Guid>? Teams = null,
    ConversationViewer? VisibleTo = null, bool AtRisk = false);

/// <summary>The agent a list is for, with what <see cref="Core.Workspace.ConversationAccess"/> needs to decide.</summary>
public sealed record ConversationViewer(Guid AgentId, AgentRole Role, IReadOnlyList<Guid> TeamIds)
{
    public static ConversationViewer From(Agent agent) => new(agent.Id, agent.Role, agent.TeamIds);

    /// <summary>
    /// The agent as the access rule sees them, read from the database rather than the cookie or token: a changed
    /// role or team applies at once. Null for a missing or deactivated agent.
    /// </summary>
    public static async Task<ConversationViewer?> LoadAsync(KefuDbContext db, Guid agentId, CancellationToken ct)
    {
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId && a.IsActive, ct);
        return agent is null ? null : From(agent);
    }

    public bool CanView(Conversation c) => Core.Workspace.ConversationAccess.CanView(Role, AgentId, TeamIds, c.AssigneeId, c.TeamId);
}

public static class ConversationQueries
{
    /// <summary>
    /// At risk: still being worked on and an SLA clock that still runs has been warned or breached (the stages the SLA
    /// worker records), i.e. unanswered, awaiting a reply, or unresolved past its warning.
    /// </summary>
    public static readonly System.Linq.Expressions.Expression<Func<Conversation, bool>> AtRisk = c =>
        c.MergedIntoId == null
        && (c.Status == ConversationStatus.New || c.Status == ConversationStatus.Open || c.Status == ConversationStatus.Pending || c.Status == ConversationStatus.OnHold)
        && ((c.FirstResponseSlaStage >= Kefu.Core.Sla.SlaState.Warned && c.FirstResponseAt == null)
            || (c.NextResponseSlaStage >= Kefu.Core.Sla.SlaState.Warned && c.AwaitingReplySince != null)
            || c.ResolutionSlaStage >= Kefu.Core.Sla.SlaState.Warned);

    public const int MaxLimit = 100;

    public static async Task<Result<Page<ConversationDto>>> ListAsync(KefuDbContext db, ConversationFilter filter, Guid me, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (filter.Limit is < 1 or > MaxLimit)
        {
            errors.Add("limit", $"must be between 1 and {MaxLimit}.");
        }

        var cursor = Cursor.Decode(filter.Cursor);
        if (filter.Cursor is not null && cursor is null)
        {
            errors.Add("cursor", "is not a cursor this server issued; start again without it.");
        }

        Guid? assignee = null;
        var unassigned = false;
        switch (filter.Assignee)
        {
            case null or "":
                break;
            case "me":
                assignee = me;
                break;
            case "none":
                unassigned = true;
                break;
            default:
                if (Guid.TryParse(filter.Assignee, out var id))
                {
                    assignee = id;
                }
                else
                {
                    errors.Add("assignee", "must be \"me\", \"none\" or an agent id.");
                }

                break;
        }

        errors.MaxLength("q", filter.Q, 200);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var query = db.Conversations.AsNoTracking();
        if (!filter.IncludeMerged)
        {
            query = query.Where(c => c.MergedIntoId == null);
        }

        if (filter.Status is { Count: > 0 } statuses)
        {
            query = query.Where(c => statuses.Contains(c.Status));
        }

        if (assignee is not null)
        {
            query = query.Where(c => c.AssigneeId == assignee);
        }

        if (unassigned)
        {
            query = query.Where(c => c.AssigneeId == null);
        }

        if (filter.Team is { } team)
        {
            query = query.Where(c => c.TeamId == team);
        }

        if (filter.Teams is { } teams)
        {
            query = query.Where(c => c.TeamId != null && teams.Contains(c.TeamId.Value));
        }

        if (filter.VisibleTo is { } viewer)
        {
            query = VisibleTo(query, viewer);
        }

        if (filter.AtRisk)
        {
            query = query.Where(AtRisk);
        }

        if (filter.Category is { } category)
        {
            query = query.Where(c => c.CategoryId == category);
        }

        if (!string.IsNullOrWhiteSpace(filter.Tag))
        {
            var tag = filter.Tag.Trim().ToLowerInvariant();
            query = query.Where(c => c.Tags.Contains(tag));
        }

        if (filter.Channel is { } channel)
        {
            query = query.Where(c => c.Channel == channel);
        }

        if (filter.Customer is { } customer)
        {
            query = query.Where(c => c.CustomerId == customer);
        }

        if (filter.Priority is { } priority)
        {
            query = query.Where(c => c.Priority == priority);
        }

        if (!string.IsNullOrWhiteSpace(filter.Q))
        {
            query = query.Where(Search(db, filter.Q.Trim()));
        }

        if (cursor is { } after)
        {
            query = query.Where(c => c.LastMessageAt < after.At || (c.LastMessageAt == after.At && c.Number < after.Number));
        }

        var rows = await query
            .OrderByDescending(c => c.LastMessageAt).ThenByDescending(c => c.Number)
            .Take(filter.Limit + 1)
            .Select(c => new
            {
                Conversation = c,
                Name = db.Customers.Where(x => x.Id == c.CustomerId).Select(x => x.Name).FirstOrDefault(),
                // Kind is stored as text, so ORDER BY "Kind" would be alphabetical (External before Phone). Rank it in
                // enum order, as Customer.DisplayName does, so the list names the customer as the detail does.
                Identity = db.CustomerIdentities.Where(i => i.CustomerId == c.CustomerId)
                    .OrderBy(i => i.Kind == IdentityKind.Email ? 0 : i.Kind == IdentityKind.Phone ? 1 : i.Kind == IdentityKind.VisitorId ? 2 : 3)
                    .Select(i => i.Value).FirstOrDefault(),
            })
            .ToListAsync(ct);
        var items = rows.Take(filter.Limit).Select(r => ConversationDto.From(r.Conversation, r.Name ?? r.Identity ?? "")).ToList();
        var next = rows.Count > filter.Limit ? Cursor.Encode(items[^1].LastMessageAt, items[^1].Number) : null;
        return new Page<ConversationDto>(items, next);
    }

    /// <summary>One conversation without its messages (for events and lists).</summary>
    public static async Task<ConversationDto?> SummaryAsync(KefuDbContext db, Guid id, CancellationToken ct)
    {
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        return conversation is null ? null : ConversationDto.From(conversation, await ConversationCommands.CustomerNameAsync(db, conversation.CustomerId, ct));
    }

    /// <summary>
    /// Only the conversations <paramref name="viewer"/> may see: the same rule as <see cref="Core.Workspace.ConversationAccess"/>,
    /// as a query (supervisors and admins see everything; an agent what is theirs, their teams' or in no team).
    /// </summary>
    public static IQueryable<Conversation> VisibleTo(IQueryable<Conversation> query, ConversationViewer viewer)
    {
        if (viewer.Role is AgentRole.Supervisor or AgentRole.Admin)
        {
            return query;
        }

        var (me, teamIds) = (viewer.AgentId, viewer.TeamIds);
        return query.Where(c => c.AssigneeId == me || c.TeamId == null || teamIds.Contains(c.TeamId.Value));
    }

    /// <summary>
    /// A conversation by id or by number ("10042" or "#10042"), with its messages in order; null when missing or,
    /// with <paramref name="visibleTo"/>, when that agent may not see it (the same answer: nothing to learn by probing).
    /// </summary>
    public static async Task<ConversationDetail?> GetAsync(KefuDbContext db, string idOrNumber, CancellationToken ct, ConversationViewer? visibleTo = null)
    {
        var query = db.Conversations.AsNoTracking();
        Conversation? conversation;
        if (Guid.TryParse(idOrNumber, out var id))
        {
            conversation = await query.FirstOrDefaultAsync(c => c.Id == id, ct);
        }
        else if (long.TryParse(idOrNumber.TrimStart('#'), out var number))
        {
            conversation = await query.FirstOrDefaultAsync(c => c.Number == number, ct);
        }
        else
        {
            return null;
        }

        if (conversation is null || (visibleTo is not null && !visibleTo.CanView(conversation)))
        {
            return null;
        }

        var messages = await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversation.Id)
            .OrderBy(m => m.CreatedAt).ThenBy(m => m.Id)
            .ToListAsync(ct);
        return new ConversationDetail(
            ConversationDto.From(conversation, await ConversationCommands.CustomerNameAsync(db, conversation.CustomerId, ct)),
            messages.Select(MessageDto.From).ToList());
    }

    /// <summary>
    /// Substring search in any language over subject, message text (notes included), customer name and identities.
    /// PostgreSQL serves ILIKE from trigram indexes; SQLite scans with LIKE (case-insensitive for ASCII).
    /// </summary>
    private static Expression<Func<Conversation, bool>> Search(KefuDbContext db, string q)
    {
        var pattern = "%" + q.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
        long? number = long.TryParse(q.TrimStart('#'), out var n) ? n : null;
        if (db.IsPostgres)
        {
            return c => c.Number == number
                || EF.Functions.ILike(c.Subject, pattern, "\\")
                || db.Messages.Any(m => m.ConversationId == c.Id && EF.Functions.ILike(m.Text, pattern, "\\"))
                || db.Customers.Any(x => x.Id == c.CustomerId && EF.Functions.ILike(x.Name!, pattern, "\\"))
                || db.CustomerIdentities.Any(i => i.CustomerId == c.CustomerId && EF.Functions.ILike(i.Value, pattern, "\\"));
        }

        return c => c.Number == number
            || EF.Functions.Like(c.Subject, pattern, "\\")
            || db.Messages.Any(m => m.ConversationId == c.Id && EF.Functions.Like(m.Text, pattern, "\\"))
            || db.Customers.Any(x => x.Id == c.CustomerId && EF.Functions.Like(x.Name!, pattern, "\\"))
            || db.CustomerIdentities.Any(i => i.CustomerId == c.CustomerId && EF.Functions.Like(i.Value, pattern, "\\"));
    }
}

/// <summary>An opaque keyset cursor: the sort key of the last item of a page (a time plus a unique tie-breaker).</summary>
public static class Cursor
{
    public static string Encode(DateTimeOffset at, long number) => Encode($"{at.UtcTicks}:{number}");

    public static string Encode(DateTimeOffset at, Guid id) => Encode($"{at.UtcTicks}:{id:N}");

    public static (DateTimeOffset At, long Number)? Decode(string? cursor) =>
        Split(cursor) is (var at, var key) && long.TryParse(key, out var number) ? (at, number) : null;

    public static (DateTimeOffset At, Guid Id)? DecodeId(string? cursor) =>
        Split(cursor) is (var at, var key) && Guid.TryParseExact(key, "N", out var id) ? (at, id) : null;

    private static string Encode(string key) =>
        Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (DateTimeOffset At, string Key)? Split(string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return null;
        }

        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            var parts = System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(padded)).Split(':');
            return parts.Length == 2 && long.TryParse(parts[0], out var ticks) && ticks >= 0 && ticks <= DateTimeOffset.MaxValue.UtcTicks
                ? (new DateTimeOffset(ticks, TimeSpan.Zero), parts[1])
                : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
