using Kefu.Core.Calendars;
using Kefu.Core.Common;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;

namespace Kefu.Server.Features.Sla;

public sealed record SlotDto(DayOfWeek? Day, string? Start, string? End);

public sealed record HolidayDto(string? Name, DateOnly? Start, DateOnly? End, bool? Yearly);

public sealed record CalendarRequest(string? Name, string? TimeZone, IReadOnlyList<SlotDto>? Slots, IReadOnlyList<HolidayDto>? Holidays);

public sealed record CalendarDto(
    Guid Id, string Name, string TimeZone, IReadOnlyList<SlotDto> Slots, IReadOnlyList<HolidayDto> Holidays,
    bool OpenNow, DateTimeOffset? NextOpenAt, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version)
{
    public static CalendarDto From(BusinessCalendar c, DateTimeOffset now)
    {
        var hours = c.Hours();
        return new(c.Id, c.Name, c.TimeZone,
            c.Slots.Select(s => new SlotDto(s.Day, OpeningSlot.Format(s.Start), s.End == TimeOnly.MinValue ? "24:00" : OpeningSlot.Format(s.End))).ToList(),
            c.Holidays.Select(h => new HolidayDto(h.Name, h.Start, h.End, h.Yearly)).ToList(),
            hours.IsOpen(now), hours.NextOpen(now), c.CreatedAt, c.UpdatedAt, c.Version);
    }

    /// <summary>Wire slots and holidays into Core values, naming each bad field.</summary>
    public static (List<OpeningSlot>? Slots, List<Holiday>? Holidays, Invalid? Error) Parse(CalendarRequest request)
    {
        var errors = new FieldErrors();
        List<OpeningSlot>? slots = null;
        if (request.Slots is not null)
        {
            slots = [];
            for (var i = 0; i < request.Slots.Count; i++)
            {
                var s = request.Slots[i];
                if (s?.Day is null)
                {
                    errors.Add($"slots[{i}].day", "is required (monday … sunday).");
                }

                if (!OpeningSlot.TryParseTime(s?.Start, out var start))
                {
                    errors.Add($"slots[{i}].start", "must be a time HH:mm.");
                }

                if (!OpeningSlot.TryParseTime(s?.End, out var end))
                {
                    errors.Add($"slots[{i}].end", "must be a time HH:mm (24:00 for midnight).");
                }

                if (s?.Day is { } day)
                {
                    slots.Add(new OpeningSlot(day, start, end));
                }
            }
        }

        List<Holiday>? holidays = null;
        if (request.Holidays is not null)
        {
            holidays = [];
            for (var i = 0; i < request.Holidays.Count; i++)
            {
                var h = request.Holidays[i];
                if (h?.Start is not { } start)
                {
                    errors.Add($"holidays[{i}].start", "is required (yyyy-MM-dd).");
                    continue;
                }

                holidays.Add(new Holiday(h.Name ?? "", start, h.End ?? start, h.Yearly ?? false));
            }
        }

        return (slots, holidays, errors.ToError());
    }
}

public sealed record HolidayImportDto(int Added, IReadOnlyList<string> Skipped, CalendarDto Calendar);

public sealed record SlaTargetsDto(int? FirstResponseMinutes, int? NextResponseMinutes, int? ResolutionMinutes);

public sealed record EscalationActionDto(EscalationActionKind? Kind, Guid? TeamId, Guid? AgentId, Guid? RuleId);

public sealed record EscalationLevelDto(int? AfterBreachMinutes, IReadOnlyList<EscalationActionDto>? Actions);

public sealed record SlaPolicyRequest(
    string? Name, int? Position, bool? IsActive, IReadOnlyList<Channel>? Channels, IReadOnlyList<Priority>? Priorities,
    IReadOnlyList<Guid>? CategoryIds, IReadOnlyList<CustomerSegment>? Segments, Guid? CalendarId, SlaTargetsDto? Targets,
    int? WarningPercent, IReadOnlyList<EscalationLevelDto>? Escalations)
{
    public SlaPolicyDraft ToDraft() => new(
        Name, Position ?? 100, IsActive ?? true, Channels, Priorities, CategoryIds, Segments, CalendarId,
        Targets is null ? null : new SlaTargets(Min(Targets.FirstResponseMinutes), Min(Targets.NextResponseMinutes), Min(Targets.ResolutionMinutes)),
        WarningPercent ?? SlaPolicy.DefaultWarningPercent,
        Escalations?.Select(l => new EscalationLevel(
            TimeSpan.FromMinutes(l?.AfterBreachMinutes ?? 0),
            l?.Actions?.Select(a => new EscalationAction(a?.Kind ?? (EscalationActionKind)(-1), a?.TeamId, a?.AgentId, a?.RuleId)).ToList() ?? [])).ToList());

    private static TimeSpan? Min(int? minutes) => minutes is { } m ? TimeSpan.FromMinutes(m) : null;
}

public sealed record SlaPolicyDto(
    Guid Id, string Name, int Position, bool IsActive, IReadOnlyList<Channel> Channels, IReadOnlyList<Priority> Priorities,
    IReadOnlyList<Guid> CategoryIds, IReadOnlyList<CustomerSegment> Segments, Guid? CalendarId, SlaTargetsDto Targets,
    int WarningPercent, IReadOnlyList<EscalationLevelDto> Escalations, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, int Version)
{
    public static SlaPolicyDto From(SlaPolicy p) => new(
        p.Id, p.Name, p.Position, p.IsActive, p.Channels, p.Priorities, p.CategoryIds, p.Segments, p.CalendarId,
        new SlaTargetsDto(p.FirstResponseMinutes, p.NextResponseMinutes, p.ResolutionMinutes), p.WarningPercent,
        p.Escalations.Select(l => new EscalationLevelDto((int)l.AfterBreach.TotalMinutes,
            l.Actions.Select(a => new EscalationActionDto(a.Kind, a.TeamId, a.AgentId, a.RuleId)).ToList())).ToList(),
        p.CreatedAt, p.UpdatedAt, p.Version);
}

/// <summary>The SLA state of a conversation as stored (due columns); clients count down to the due times.</summary>
public sealed record ConversationSlaDto(
    Guid? PolicyId, DateTimeOffset? FirstResponseDueAt, DateTimeOffset? NextResponseDueAt, DateTimeOffset? ResolutionDueAt,
    bool Paused, bool FirstResponseBreached, bool NextResponseBreached, bool ResolutionBreached)
{
    public static ConversationSlaDto? From(Conversation c) => c.SlaPolicyId is null ? null : new(
        c.SlaPolicyId, c.FirstResponseDueAt, c.NextResponseDueAt, c.ResolutionDueAt, c.SlaPausedSince is not null,
        c.FirstResponseSlaStage >= SlaState.Breached, c.NextResponseSlaStage >= SlaState.Breached, c.ResolutionSlaStage >= SlaState.Breached);
}

/// <summary>The clocks as the workspace shows them now, and what was recorded.</summary>
public sealed record SlaClockDto(SlaMetric Metric, SlaClockStatus Status, DateTimeOffset? DueAt, DateTimeOffset? WarnAt);

public sealed record SlaEventDto(SlaMetric Metric, int Cycle, SlaEventKind Kind, int Level, DateTimeOffset DueAt, DateTimeOffset At, DateTimeOffset RecordedAt);

public sealed record ConversationSlaDetail(Guid? PolicyId, string? PolicyName, IReadOnlyList<SlaClockDto> Clocks, IReadOnlyList<SlaEventDto> Events);
