using System.Security.Claims;
using System.Text;
using Kefu.Core.Calendars;
using Kefu.Core.Common;
using Kefu.Core.Sla;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Sla;

/// <summary>Business calendars and SLA policies (admins change them, everyone reads them) and a conversation's SLA clocks.</summary>
public static class SlaEndpoints
{
    /// <summary>Largest accepted .ics upload.</summary>
    public const int MaxIcsBytes = 1_000_000;

    public static void MapSlaEndpoints(this IEndpointRouteBuilder app)
    {
        var calendars = app.MapGroup("/api/v1/calendars").WithTags("Business calendars");
        calendars.MapGet("", ListCalendars).RequireAuthorization(Policies.DirectoryRead).WithSummary("List business calendars.");
        calendars.MapGet("/{id:guid}", GetCalendar).RequireAuthorization(Policies.DirectoryRead).WithSummary("Get a business calendar, with whether it is open now.");
        calendars.MapPost("", CreateCalendar).RequireAuthorization(Policies.Admin)
            .WithSummary("Create a business calendar (admins): an IANA time zone, opening slots per weekday (HH:mm, 24:00 for midnight; an end before the start runs overnight) and holidays.");
        calendars.MapPut("/{id:guid}", UpdateCalendar).RequireAuthorization(Policies.Admin)
            .WithSummary("Change a calendar (admins): the parts sent replace the stored ones.");
        calendars.MapDelete("/{id:guid}", DeleteCalendar).RequireAuthorization(Policies.Admin)
            .WithSummary("Delete a calendar (admins); refused while an SLA policy uses it.");
        calendars.MapPost("/{id:guid}/holidays/import", ImportHolidays).RequireAuthorization(Policies.Admin).DisableAntiforgery()
            .WithSummary("Import holidays from an iCalendar (.ics) file (admins): the raw text/calendar body or a multipart form file. Events it cannot read are listed as skipped.");

        var policies = app.MapGroup("/api/v1/sla-policies").WithTags("SLA policies");
        policies.MapGet("", ListPolicies).RequireAuthorization(Policies.DirectoryRead).WithSummary("List SLA policies in matching order.");
        policies.MapGet("/{id:guid}", GetPolicy).RequireAuthorization(Policies.DirectoryRead).WithSummary("Get an SLA policy.");
        policies.MapPost("", CreatePolicy).RequireAuthorization(Policies.Admin)
            .WithSummary("Create an SLA policy (admins): conditions (channels, priorities, categories, segments), targets in business minutes, calendar, warning share and escalation levels.");
        policies.MapPut("/{id:guid}", UpdatePolicy).RequireAuthorization(Policies.Admin).WithSummary("Replace an SLA policy (admins).");
        policies.MapDelete("/{id:guid}", DeletePolicy).RequireAuthorization(Policies.Admin)
            .WithSummary("Delete an SLA policy (admins); its conversations are matched again on their next change.");

        app.MapGet("/api/v1/conversations/{id:guid}/sla", ConversationSla).RequireAuthorization(Policies.ConversationsRead).WithTags("Conversations")
            .WithSummary("The conversation's SLA clocks now (running, at risk, paused, met, breached) and the warnings, breaches and escalations recorded.");
    }

    private static async Task<Ok<List<CalendarDto>>> ListCalendars(KefuDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var list = await db.BusinessCalendars.AsNoTracking().OrderBy(c => c.Name).ToListAsync(ct);
        return TypedResults.Ok(list.Select(c => CalendarDto.From(c, now)).ToList());
    }

    private static async Task<Results<Ok<CalendarDto>, ProblemHttpResult>> GetCalendar(Guid id, KefuDbContext db, TimeProvider clock, CancellationToken ct) =>
        await db.BusinessCalendars.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is { } calendar
            ? TypedResults.Ok(CalendarDto.From(calendar, clock.GetUtcNow()))
            : Problems.From(new NotFound("Calendar", id.ToString()));

    private static async Task<Results<Created<CalendarDto>, ProblemHttpResult>> CreateCalendar(
        CalendarRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await SlaCommands.SaveCalendarAsync(db, user.ToActor(), clock.GetUtcNow(), null, request, ct);
        return result.IsOk ? TypedResults.Created($"/api/v1/calendars/{result.Value.Id}", result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<CalendarDto>, ProblemHttpResult>> UpdateCalendar(
        Guid id, CalendarRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await SlaCommands.SaveCalendarAsync(db, user.ToActor(), clock.GetUtcNow(), id, request, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteCalendar(Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var calendar = await db.BusinessCalendars.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (calendar is null)
        {
            return Problems.From(new NotFound("Calendar", id.ToString()));
        }

        var users = await db.SlaPolicies.Where(p => p.CalendarId == id).Select(p => p.Name).ToListAsync(ct);
        if (users.Count > 0)
        {
            return Problems.From(new Conflict($"SLA policies use this calendar: {string.Join(", ", users)}. Change them first."));
        }

        db.BusinessCalendars.Remove(calendar);
        db.Activities.Add(ActivityEntry.Create(user.ToActor(), clock.GetUtcNow(), "calendar", id, "deleted", new("name", calendar.Name, null)));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<HolidayImportDto>, ProblemHttpResult>> ImportHolidays(
        Guid id, HttpRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var calendar = await db.BusinessCalendars.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (calendar is null)
        {
            return Problems.From(new NotFound("Calendar", id.ToString()));
        }

        string? text;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            var file = form.Files.FirstOrDefault();
            if (file is null)
            {
                return Problems.From(Invalid.Field("file", "is required: attach the .ics file."));
            }

            if (file.Length > MaxIcsBytes)
            {
                return Problems.From(Invalid.Field("file", $"must be at most {MaxIcsBytes} bytes."));
            }

            using var reader = new StreamReader(file.OpenReadStream(), Encoding.UTF8);
            text = await reader.ReadToEndAsync(ct);
        }
        else
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var buffer = new char[MaxIcsBytes + 1];
            var read = await reader.ReadBlockAsync(buffer, ct);
            if (read > MaxIcsBytes)
            {
                return Problems.From(Invalid.Field("file", $"must be at most {MaxIcsBytes} characters."));
            }

            text = new string(buffer, 0, read);
        }

        var result = await SlaCommands.ImportHolidaysAsync(db, user.ToActor(), clock.GetUtcNow(), id, text, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Ok<List<SlaPolicyDto>>> ListPolicies(KefuDbContext db, CancellationToken ct)
    {
        var list = await db.SlaPolicies.AsNoTracking().ToListAsync(ct);
        return TypedResults.Ok(list.OrderBy(p => p.Position).ThenByDescending(p => p.Specificity).ThenBy(p => p.CreatedAt).Select(SlaPolicyDto.From).ToList());
    }

    private static async Task<Results<Ok<SlaPolicyDto>, ProblemHttpResult>> GetPolicy(Guid id, KefuDbContext db, CancellationToken ct) =>
        await db.SlaPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct) is { } policy
            ? TypedResults.Ok(SlaPolicyDto.From(policy))
            : Problems.From(new NotFound("SLA policy", id.ToString()));

    private static async Task<Results<Created<SlaPolicyDto>, ProblemHttpResult>> CreatePolicy(
        SlaPolicyRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await SlaCommands.SavePolicyAsync(db, user.ToActor(), clock.GetUtcNow(), null, request, ct);
        return result.IsOk ? TypedResults.Created($"/api/v1/sla-policies/{result.Value.Id}", result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<SlaPolicyDto>, ProblemHttpResult>> UpdatePolicy(
        Guid id, SlaPolicyRequest request, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var result = await SlaCommands.SavePolicyAsync(db, user.ToActor(), clock.GetUtcNow(), id, request, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeletePolicy(Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var policy = await db.SlaPolicies.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null)
        {
            return Problems.From(new NotFound("SLA policy", id.ToString()));
        }

        db.SlaPolicies.Remove(policy);
        db.Activities.Add(ActivityEntry.Create(user.ToActor(), clock.GetUtcNow(), "sla_policy", id, "deleted", new("name", policy.Name, null)));
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<ConversationSlaDetail>, ProblemHttpResult>> ConversationSla(
        Guid id, KefuDbContext db, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var viewer = await ConversationViewer.LoadAsync(db, user.AgentId(), ct);
        var conversation = await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (conversation is null || viewer is null || !viewer.CanView(conversation))
        {
            return Problems.From(new NotFound("Conversation", id.ToString()));
        }

        var policy = conversation.SlaPolicyId is { } policyId ? await db.SlaPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == policyId, ct) : null;
        var hours = await SlaRefresh.HoursAsync(db, policy?.CalendarId, ct);
        var clocks = SlaClock.Describe(conversation.Sla, SlaFacts.Of(conversation), policy, hours, clock.GetUtcNow())
            .Select(v => new SlaClockDto(v.Metric, v.Status, v.DueAt, v.WarnAt)).ToList();
        var events = (await db.SlaEvents.AsNoTracking().Where(e => e.ConversationId == id).ToListAsync(ct))
            .OrderBy(e => e.At).ThenBy(e => e.Metric).ThenBy(e => e.Cycle).ThenBy(e => e.Kind).ThenBy(e => e.Level)
            .Select(e => new SlaEventDto(e.Metric, e.Cycle, e.Kind, e.Level, e.DueAt, e.At, e.RecordedAt)).ToList();
        return TypedResults.Ok(new ConversationSlaDetail(policy?.Id, policy?.Name, clocks, events));
    }

    internal static async Task<Invalid?> CheckReferencesAsync(KefuDbContext db, SlaPolicyDraft draft, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (draft.CalendarId is { } calendarId && !await db.BusinessCalendars.AnyAsync(c => c.Id == calendarId, ct))
        {
            errors.Add("calendarId", $"no calendar has the id {calendarId}.");
        }

        var categories = draft.CategoryIds ?? [];
        var known = await db.Categories.Where(c => categories.Contains(c.Id)).Select(c => c.Id).ToListAsync(ct);
        for (var i = 0; i < categories.Count; i++)
        {
            if (!known.Contains(categories[i]))
            {
                errors.Add($"categoryIds[{i}]", $"no category has the id {categories[i]}.");
            }
        }

        var levels = draft.Escalations ?? [];
        for (var i = 0; i < levels.Count; i++)
        {
            for (var j = 0; j < (levels[i]?.Actions?.Count ?? 0); j++)
            {
                var action = levels[i].Actions[j];
                if (action?.TeamId is { } team && !await db.Teams.AnyAsync(t => t.Id == team, ct))
                {
                    errors.Add($"escalations[{i}].actions[{j}].teamId", $"no team has the id {team}.");
                }

                if (action?.AgentId is { } agent && !await db.Agents.AnyAsync(a => a.Id == agent && a.IsActive, ct))
                {
                    errors.Add($"escalations[{i}].actions[{j}].agentId", $"no active agent has the id {agent}.");
                }

                if (action?.RuleId is { } rule && !await db.AutomationRules.AnyAsync(r => r.Id == rule, ct))
                {
                    errors.Add($"escalations[{i}].actions[{j}].ruleId", $"no automation rule has the id {rule}.");
                }
            }
        }

        return errors.ToError();
    }

    internal static Error? Merge(Invalid? first, Error? second) =>
        first is null ? second
        : second is null ? first
        : new FieldErrors().Include(first).Include(second).ToError();
}
