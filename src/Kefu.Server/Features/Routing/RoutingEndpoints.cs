using System.Security.Claims;
using Kefu.Core.Common;
using Kefu.Core.Routing;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Infrastructure;
using Kefu.Server.Realtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Routing;

public sealed record RoutingSettingsDto(
    bool AutoAssign, RoutingStrategy DefaultStrategy, Guid? VipTeamId, Guid? DefaultTeamId, bool MatchLanguage, bool ReturnToPreviousAgent,
    Dictionary<Guid, Guid> CategoryTeams, Dictionary<Guid, string> CategorySkills, Dictionary<string, int> FirstResponseMinutes,
    DateTimeOffset UpdatedAt, int Version)
{
    public static RoutingSettingsDto From(RoutingConfig c) => new(
        c.AutoAssign, c.DefaultStrategy, c.VipTeamId, c.DefaultTeamId, c.MatchLanguage, c.ReturnToPreviousAgent,
        c.CategoryTeams, c.CategorySkills, c.FirstResponseMinutes.ToDictionary(t => WireName.Of(t.Key), t => t.Value), c.UpdatedAt, c.Version);
}

/// <summary>The whole routing document (PUT replaces it): absent switches take their defaults, absent timeouts mean chat 2 minutes.</summary>
public sealed record RoutingSettingsRequest(
    bool? AutoAssign, RoutingStrategy? DefaultStrategy, Guid? VipTeamId, Guid? DefaultTeamId, bool? MatchLanguage, bool? ReturnToPreviousAgent,
    Dictionary<Guid, Guid>? CategoryTeams, Dictionary<Guid, string>? CategorySkills, Dictionary<string, int>? FirstResponseMinutes);

public sealed record TeamRoutingDto(Guid TeamId, bool AutoAssign, RoutingStrategy Strategy, bool MatchSkills, bool MatchLanguage, Guid? OverflowTeamId, int? OverflowAfterMinutes, DateTimeOffset UpdatedAt)
{
    public static TeamRoutingDto From(TeamRoutingRule r) => new(r.TeamId, r.AutoAssign, r.Strategy, r.MatchSkills, r.MatchLanguage, r.OverflowTeamId, r.OverflowAfterMinutes, r.UpdatedAt);
}

public sealed record TeamRoutingRequest(bool? AutoAssign, RoutingStrategy? Strategy, bool? MatchSkills, bool? MatchLanguage, Guid? OverflowTeamId, int? OverflowAfterMinutes);

public sealed record RoutingOfferDto(
    Guid AgentId, string AgentName, Guid? TeamId, RoutingReason Reason, DateTimeOffset OfferedAt, DateTimeOffset? ExpiresAt, OfferOutcome Outcome, DateTimeOffset? EndedAt);

/// <summary>A conversation's routing: the queue it waits in (if it waits) and every offer to an agent, oldest first.</summary>
public sealed record ConversationRoutingDto(Guid ConversationId, Guid? TeamId, DateTimeOffset? QueuedSince, List<RoutingOfferDto> Offers);

public sealed record TransferRequest(Guid? AgentId, Guid? TeamId, string? Note, string? ClientRequestId);

public static class RoutingEndpoints
{
    public static void MapRoutingEndpoints(this IEndpointRouteBuilder app)
    {
        var routing = app.MapGroup("/api/v1/routing").WithTags("Routing");
        routing.MapGet("/settings", GetSettings).RequireAuthorization(Policies.DirectoryRead)
            .WithSummary("The workspace's routing settings: auto-assignment, default strategy, VIP and default teams, category → team and skill, first-response timeouts per channel.");
        routing.MapPut("/settings", PutSettings).RequireAuthorization(Policies.Admin)
            .WithSummary("Replace the routing settings (admins).");
        routing.MapGet("/teams", ListTeams).RequireAuthorization(Policies.DirectoryRead).WithSummary("Every team's routing rules.");
        routing.MapPut("/teams/{teamId:guid}", PutTeam).RequireAuthorization(Policies.Admin)
            .WithSummary("Set a team's routing (admins): auto-assign, strategy (round_robin, least_loaded), skill and language matching, overflow team and wait.");
        routing.MapDelete("/teams/{teamId:guid}", DeleteTeam).RequireAuthorization(Policies.Admin)
            .WithSummary("Remove a team's own routing (admins): the workspace defaults apply again.");

        var conversations = app.MapGroup("/api/v1/conversations/{id:guid}").WithTags("Conversations").AddEndpointFilter(ConversationEndpoints.VisibleOnly);
        conversations.MapGet("/routing", ConversationRoutingOf).RequireAuthorization(Policies.ConversationsRead)
            .WithSummary("The conversation's queue and offer history (who it was offered to, why, until when, and what came of it).");
        conversations.MapPost("/transfer", Transfer).RequireAuthorization(Policies.ConversationsWrite)
            .WithSummary("Transfer to an agent and/or a team with a handover note (kept as an internal note); the new owner is notified and the customer told. Idempotent by clientRequestId.");
    }

    private static async Task<Ok<RoutingSettingsDto>> GetSettings(KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok(RoutingSettingsDto.From(await RoutingEngine.ConfigAsync(db, ct)));

    private static async Task<Results<Ok<RoutingSettingsDto>, ProblemHttpResult>> PutSettings(
        RoutingSettingsRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await SaveSettingsAsync(db, user.ToActor(), clock.GetUtcNow(), request, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    /// <summary>Replaces the routing settings (shared by the API and the admin page).</summary>
    public static async Task<Result<RoutingSettingsDto>> SaveSettingsAsync(KefuDbContext db, Actor actor, DateTimeOffset now, RoutingSettingsRequest request, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var timeouts = new Dictionary<Channel, int>();
        foreach (var (name, minutes) in request.FirstResponseMinutes ?? new Dictionary<string, int> { ["chat"] = 2 })
        {
            if (Enum.GetValues<Channel>().FirstOrDefault(c => WireName.Of(c) == name) is var channel && WireName.Of(channel) == name)
            {
                timeouts[channel] = minutes;
            }
            else
            {
                errors.Add($"firstResponseMinutes.{name}", "is not a channel (chat, email, api, phone or web_form).");
            }
        }

        var teamIds = new[] { request.VipTeamId, request.DefaultTeamId }.Concat((request.CategoryTeams ?? []).Values.Select(v => (Guid?)v)).OfType<Guid>().Distinct().ToList();
        var knownTeams = await db.Teams.AsNoTracking().Where(t => teamIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
        var categoryIds = (request.CategoryTeams ?? []).Keys.Concat((request.CategorySkills ?? []).Keys).Distinct().ToList();
        var knownCategories = await db.Categories.AsNoTracking().Where(c => categoryIds.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
        if (request.VipTeamId is { } vip && !knownTeams.Contains(vip))
        {
            errors.Add("vipTeamId", $"no team has the id {vip}.");
        }

        if (request.DefaultTeamId is { } fallback && !knownTeams.Contains(fallback))
        {
            errors.Add("defaultTeamId", $"no team has the id {fallback}.");
        }

        foreach (var (category, team) in request.CategoryTeams ?? [])
        {
            if (!knownCategories.Contains(category))
            {
                errors.Add($"categoryTeams.{category}", $"no category has the id {category}.");
            }
            else if (!knownTeams.Contains(team))
            {
                errors.Add($"categoryTeams.{category}", $"no team has the id {team}.");
            }
        }

        foreach (var category in (request.CategorySkills ?? []).Keys.Where(c => !knownCategories.Contains(c)))
        {
            errors.Add($"categorySkills.{category}", $"no category has the id {category}.");
        }

        var config = await db.RoutingConfig.FirstOrDefaultAsync(ct);
        var isNew = config is null;
        config ??= RoutingConfig.Default(now);
        var changes = config.Update(new RoutingConfigDraft(
            request.AutoAssign ?? false, request.DefaultStrategy ?? RoutingStrategy.LeastLoaded, request.VipTeamId, request.DefaultTeamId,
            request.MatchLanguage ?? true, request.ReturnToPreviousAgent ?? true, request.CategoryTeams ?? [], request.CategorySkills ?? [], timeouts), now);
        errors.Include(changes.Error);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        if (isNew)
        {
            db.RoutingConfig.Add(config);
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "routing", Guid.Empty, changes.Value));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e is DbUpdateConcurrencyException || DbErrors.IsUniqueViolation(e))
        {
            return new Conflict("The routing settings were changed at the same time. Reload and save again.");
        }

        return RoutingSettingsDto.From(config);
    }

    private static async Task<Ok<List<TeamRoutingDto>>> ListTeams(KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.TeamRouting.AsNoTracking().ToListAsync(ct)).Select(TeamRoutingDto.From).ToList());

    private static async Task<Results<Ok<TeamRoutingDto>, ProblemHttpResult>> PutTeam(
        Guid teamId, TeamRoutingRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await SaveTeamAsync(db, user.ToActor(), clock.GetUtcNow(), teamId, request, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    /// <summary>Sets one team's routing (shared by the API and the admin page).</summary>
    public static async Task<Result<TeamRoutingDto>> SaveTeamAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid teamId, TeamRoutingRequest request, CancellationToken ct)
    {
        if (!await db.Teams.AnyAsync(t => t.Id == teamId, ct))
        {
            return new NotFound("Team", teamId.ToString());
        }

        var errors = new FieldErrors();
        if (request.OverflowTeamId is { } overflow && overflow != teamId && !await db.Teams.AnyAsync(t => t.Id == overflow, ct))
        {
            errors.Add("overflowTeamId", $"no team has the id {overflow}.");
        }

        var rule = await db.TeamRouting.FirstOrDefaultAsync(r => r.TeamId == teamId, ct);
        var result = rule is null
            ? TeamRoutingRule.Create(teamId, request.AutoAssign, request.Strategy, request.MatchSkills, request.MatchLanguage, request.OverflowTeamId, request.OverflowAfterMinutes, now)
            : rule.Set(request.AutoAssign, request.Strategy, request.MatchSkills, request.MatchLanguage, request.OverflowTeamId, request.OverflowAfterMinutes, now);
        errors.Include(result.Error);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        if (rule is null)
        {
            db.TeamRouting.Add(result.Value);
        }

        db.Activities.Add(ActivityEntry.Create(actor, now, "team", teamId, "routing_set", new("strategy", null, WireName.Of(result.Value.Strategy))));
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return new Conflict("The team's routing was created at the same time. Reload and save again.");
        }

        return TeamRoutingDto.From(result.Value);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteTeam(Guid teamId, KefuDbContext db, CancellationToken ct) =>
        await db.TeamRouting.Where(r => r.TeamId == teamId).ExecuteDeleteAsync(ct) > 0
            ? TypedResults.NoContent()
            : Problems.From(new NotFound("Team routing", teamId.ToString()));

    private static async Task<Results<Ok<ConversationRoutingDto>, ProblemHttpResult>> ConversationRoutingOf(Guid id, KefuDbContext db, CancellationToken ct) =>
        await RoutingQueries.ForConversationAsync(db, id, ct) is { } dto ? TypedResults.Ok(dto) : Problems.From(new NotFound("Conversation", id.ToString()));

    private static async Task<Results<Ok<ConversationDto>, ProblemHttpResult>> Transfer(
        Guid id, TransferRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, RealtimePublisher realtime, CancellationToken ct)
    {
        var result = await TransferCommands.TransferAsync(db, user.ToActor(), clock.GetUtcNow(), id, request, ct);
        if (!result.IsOk)
        {
            return Problems.From(result.Error!);
        }

        await TransferCommands.PublishAsync(db, realtime, result.Value, ct);
        return TypedResults.Ok(result.Value.Conversation);
    }
}

public static class RoutingQueries
{
    /// <summary>Null when the conversation does not exist; a conversation never routed has an empty history.</summary>
    public static async Task<ConversationRoutingDto?> ForConversationAsync(KefuDbContext db, Guid id, CancellationToken ct)
    {
        var conversation = await db.Conversations.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Id, c.FirstResponseAt }).FirstOrDefaultAsync(ct);
        if (conversation is null)
        {
            return null;
        }

        var state = await db.ConversationRouting.AsNoTracking().FirstOrDefaultAsync(r => r.ConversationId == id, ct);
        var offers = state?.Offers ?? [];
        // An answer closes the pending offer when its timer looks; show it as answered already.
        if (offers.Count > 0 && offers[^1].Outcome == OfferOutcome.Pending && conversation.FirstResponseAt is { } answered && answered >= offers[^1].OfferedAt)
        {
            offers = [.. FirstResponseTimeout.Answered(offers, answered)];
        }

        var agentIds = offers.Select(o => o.AgentId).Distinct().ToList();
        var names = await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        return new ConversationRoutingDto(id, state?.TeamId, state?.QueuedSince,
            offers.Select(o => new RoutingOfferDto(o.AgentId, names.GetValueOrDefault(o.AgentId, ""), o.TeamId, o.Reason, o.OfferedAt, o.ExpiresAt, o.Outcome, o.EndedAt)).ToList());
    }
}
