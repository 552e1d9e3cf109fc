using Kefu.Core.Common;

namespace Kefu.Core.Calendars;

/// <summary>Opening hours, a time zone and holidays, edited by admins; SLA policies, routing and the widget use its <see cref="Hours"/>.</summary>
public sealed class BusinessCalendar
{
    public const int MaxSlots = 100;
    public const int MaxHolidays = 2_000;
    public const int TimeZoneLength = 64;

    private BusinessCalendar()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    /// <summary>An IANA time zone id (Asia/Shanghai).</summary>
    public string TimeZone { get; private set; } = "UTC";

    public List<OpeningSlot> Slots { get; private set; } = [];

    public List<Holiday> Holidays { get; private set; } = [];

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset UpdatedAt { get; private set; }

    public int Version { get; private set; }

    public BusinessHours Hours() =>
        new(TimeZoneInfo.FindSystemTimeZoneById(TimeZone), Slots, Holidays);

    public static Result<BusinessCalendar> Create(
        Guid id, string? name, string? timeZone, IReadOnlyList<OpeningSlot>? slots, IReadOnlyList<Holiday>? holidays, DateTimeOffset now)
    {
        var errors = Validate(name, timeZone, slots, holidays);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        return new BusinessCalendar
        {
            Id = id,
            Name = name!.Trim(),
            TimeZone = timeZone!.Trim(),
            Slots = Normalize(slots ?? []),
            Holidays = Normalize(holidays ?? []),
            CreatedAt = now,
            UpdatedAt = now,
            Version = 1,
        };
    }

    /// <summary>Replaces the given parts; null leaves a part as it is.</summary>
    public Result<IReadOnlyList<FieldChange>> Update(
        string? name, string? timeZone, IReadOnlyList<OpeningSlot>? slots, IReadOnlyList<Holiday>? holidays, DateTimeOffset now)
    {
        var errors = Validate(name ?? Name, timeZone ?? TimeZone, slots, holidays);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        if (name is not null && name.Trim() != Name)
        {
            changes.Add(new("name", Name, name.Trim()));
            Name = name.Trim();
        }

        if (timeZone is not null && timeZone.Trim() != TimeZone)
        {
            changes.Add(new("timeZone", TimeZone, timeZone.Trim()));
            TimeZone = timeZone.Trim();
        }

        if (slots is not null && !Normalize(slots).SequenceEqual(Slots))
        {
            changes.Add(new("slots", Slots.Count.ToString(), slots.Count.ToString()));
            Slots = Normalize(slots);
        }

        if (holidays is not null && !Normalize(holidays).SequenceEqual(Holidays))
        {
            changes.Add(new("holidays", Holidays.Count.ToString(), holidays.Count.ToString()));
            Holidays = Normalize(holidays);
        }

        if (changes.Count > 0)
        {
            UpdatedAt = now;
            Version++;
        }

        return changes;
    }

    /// <summary>Adds imported holidays; one already present (same dates and recurrence) is not added twice.</summary>
    public Result<IReadOnlyList<FieldChange>> AddHolidays(IReadOnlyList<Holiday> imported, DateTimeOffset now)
    {
        var merged = Holidays.ToList();
        foreach (var holiday in imported)
        {
            if (!merged.Any(h => h.Start == holiday.Start && h.End == holiday.End && h.Yearly == holiday.Yearly))
            {
                merged.Add(holiday);
            }
        }

        return Update(null, null, null, merged, now);
    }

    public static bool IsKnownTimeZone(string? id) =>
        !string.IsNullOrWhiteSpace(id) && id.Trim().Length <= TimeZoneLength && TimeZoneInfo.TryFindSystemTimeZoneById(id.Trim(), out _);

    private static List<OpeningSlot> Normalize(IEnumerable<OpeningSlot> slots) =>
        slots.Distinct().OrderBy(s => (int)s.Day).ThenBy(s => s.Start).ThenBy(s => s.End).ToList();

    private static List<Holiday> Normalize(IEnumerable<Holiday> holidays) =>
        holidays.Select(h => h with { Name = h.Name.Trim() }).Distinct().OrderBy(h => h.Start).ThenBy(h => h.End).ThenBy(h => h.Name, StringComparer.Ordinal).ToList();

    private static FieldErrors Validate(string? name, string? timeZone, IReadOnlyList<OpeningSlot>? slots, IReadOnlyList<Holiday>? holidays)
    {
        var errors = new FieldErrors().Required("name", name, Limits.Name);
        if (string.IsNullOrWhiteSpace(timeZone))
        {
            errors.Add("timeZone", "is required.");
        }
        else if (!IsKnownTimeZone(timeZone))
        {
            errors.Add("timeZone", "must be an IANA time zone such as Asia/Shanghai.");
        }

        if (slots is not null)
        {
            if (slots.Count > MaxSlots)
            {
                errors.Add("slots", $"must contain at most {MaxSlots} slots.");
            }

            for (var i = 0; i < slots.Count; i++)
            {
                if (slots[i] is null)
                {
                    errors.Add($"slots[{i}]", "must not be null.");
                }
                else if (!Enum.IsDefined(slots[i].Day))
                {
                    errors.Add($"slots[{i}].day", "must be a day of the week.");
                }
                else if (slots[i].Start == slots[i].End && slots[i].Start != TimeOnly.MinValue)
                {
                    errors.Add($"slots[{i}].end", "must differ from the start (00:00–24:00 is the whole day).");
                }
                else if (slots[i].Start.Second != 0 || slots[i].End.Second != 0 || slots[i].Start.Millisecond != 0 || slots[i].End.Millisecond != 0)
                {
                    errors.Add($"slots[{i}]", "times must be whole minutes.");
                }
            }
        }

        if (holidays is not null)
        {
            if (holidays.Count > MaxHolidays)
            {
                errors.Add("holidays", $"must contain at most {MaxHolidays} holidays.");
            }

            for (var i = 0; i < holidays.Count; i++)
            {
                if (holidays[i] is null)
                {
                    errors.Add($"holidays[{i}]", "must not be null.");
                    continue;
                }

                errors.Required($"holidays[{i}].name", holidays[i].Name, Limits.Name);
                if (holidays[i].End < holidays[i].Start)
                {
                    errors.Add($"holidays[{i}].end", "must not be before the start.");
                }
                else if (holidays[i].End.DayNumber - holidays[i].Start.DayNumber >= Holiday.MaxDays)
                {
                    errors.Add($"holidays[{i}].end", $"a holiday may last at most {Holiday.MaxDays} days.");
                }
            }
        }

        return errors;
    }
}
