namespace Kefu.Core.Calendars;

/// <summary>
/// When a business is open, as a computation over UTC instants. Every input and output is an instant (stored UTC);
/// local time exists only inside: an instant is open when its wall-clock time in the calendar's zone falls in an
/// opening slot of its local day and that day is not a holiday.
/// Daylight-saving changes follow from that rule: in a spring-forward gap, a slot boundary that does not exist falls
/// on the transition instant (a 09:00–17:00 day that loses an hour is 7 hours long); in a fall-back overlap a slot
/// starts at the first and ends at the last occurrence of its wall-clock times (the repeated hour is open twice).
/// </summary>
public sealed class BusinessHours
{
    /// <summary>A calendar with no opening time for this many consecutive days is treated as never opening again.</summary>
    public const int HorizonDays = 3 * 366;

    /// <summary>24/7: every instant is business time (the calendar of a policy without a calendar).</summary>
    public static readonly BusinessHours AlwaysOpen = new();

    private readonly TimeZoneInfo? zone;
    private readonly (int Start, int End)[][] spans = new (int, int)[7][];
    private readonly Holiday[] holidays = [];

    private BusinessHours()
    {
    }

    public BusinessHours(TimeZoneInfo zone, IEnumerable<OpeningSlot> slots, IEnumerable<Holiday>? holidays = null)
    {
        this.zone = zone;
        this.holidays = holidays?.ToArray() ?? [];
        var all = slots.SelectMany(s => s.Spans()).ToList();
        for (var day = 0; day < 7; day++)
        {
            spans[day] = Merge(all.Where(s => (int)s.Day == day).Select(s => (s.Start, s.End)));
        }
    }

    public TimeZoneInfo? Zone => zone;

    public bool IsAlwaysOpen => zone is null;

    public bool IsHoliday(DateOnly localDate) => holidays.Any(h => h.Covers(localDate));

    public bool IsOpen(DateTimeOffset instant) => Periods(instant).Select(p => (DateTimeOffset?)p.Start).FirstOrDefault() == instant;

    /// <summary>The instant itself when open, otherwise the next opening; null when the calendar never opens again.</summary>
    public DateTimeOffset? NextOpen(DateTimeOffset instant) => Periods(instant).Select(p => (DateTimeOffset?)p.Start).FirstOrDefault();

    /// <summary>When the current open period ends; null when closed now, or not closing within two weeks (24/7).</summary>
    public DateTimeOffset? OpenUntil(DateTimeOffset instant)
    {
        DateTimeOffset? until = null;
        foreach (var (start, end) in Periods(instant))
        {
            if (until is null ? start != instant : start != until)
            {
                break;
            }

            if (end == DateTimeOffset.MaxValue || end - instant > TimeSpan.FromDays(14))
            {
                return null;
            }

            until = end;
        }

        return until;
    }

    /// <summary>
    /// The earliest instant at which <paramref name="duration"/> of business time has passed since
    /// <paramref name="from"/>: Friday 16:59 + 2 minutes on a 09:00–17:00 week is Monday 09:01. Zero is
    /// <paramref name="from"/> itself. Null when the calendar never accumulates that much time.
    /// </summary>
    public DateTimeOffset? Add(DateTimeOffset from, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return from.ToUniversalTime();
        }

        var remaining = duration;
        foreach (var (start, end) in Periods(from))
        {
            if (end == DateTimeOffset.MaxValue || remaining <= end - start)
            {
                return DateTimeOffset.MaxValue - start < remaining ? null : start + remaining;
            }

            remaining -= end - start;
        }

        return null;
    }

    public DateTimeOffset? AddMinutes(DateTimeOffset from, double minutes) => Add(from, TimeSpan.FromMinutes(minutes));

    /// <summary>Business time in [from, to); zero when <paramref name="to"/> is not after <paramref name="from"/>.</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to)
    {
        var total = TimeSpan.Zero;
        if (to <= from)
        {
            return total;
        }

        foreach (var (start, end) in Periods(from))
        {
            if (start >= to)
            {
                break;
            }

            total += (end < to ? end : to) - start;
            if (end >= to)
            {
                break;
            }
        }

        return total;
    }

    /// <summary>
    /// The open periods that end after <paramref name="from"/>, in order, merged where they touch, the first one
    /// clipped to start no earlier than <paramref name="from"/>. All instants are UTC. Ends after
    /// <see cref="HorizonDays"/> days without opening time.
    /// </summary>
    public IEnumerable<(DateTimeOffset Start, DateTimeOffset End)> Periods(DateTimeOffset from)
    {
        from = from.ToUniversalTime();
        if (zone is null)
        {
            yield return (from, DateTimeOffset.MaxValue);
            yield break;
        }

        var date = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, zone).DateTime);
        (DateTimeOffset Start, DateTimeOffset End)? pending = null;
        var idleDays = 0;
        while (idleDays <= HorizonDays)
        {
            var found = false;
            if (!IsHoliday(date))
            {
                foreach (var (startMinute, endMinute) in spans[(int)date.DayOfWeek])
                {
                    var start = ToUtc(date, startMinute, latest: false);
                    var end = ToUtc(date, endMinute, latest: true);
                    if (end <= from)
                    {
                        continue;
                    }

                    if (start < from)
                    {
                        start = from;
                    }

                    if (start >= end)
                    {
                        continue;
                    }

                    found = true;
                    if (pending is { } open && start <= open.End)
                    {
                        pending = (open.Start, end > open.End ? end : open.End);
                    }
                    else
                    {
                        if (pending is { } done)
                        {
                            yield return done;
                        }

                        pending = (start, end);
                    }
                }
            }

            // A period that has run for a day is handed out even if it goes on (a 24/7 calendar never closes);
            // callers that need the whole stretch join touching periods.
            if (pending is { } running && running.End - running.Start >= TimeSpan.FromDays(1))
            {
                yield return running;
                pending = null;
            }

            idleDays = found ? 0 : idleDays + 1;
            if (date == DateOnly.MaxValue)
            {
                break;
            }

            date = date.AddDays(1);
        }

        if (pending is { } last)
        {
            yield return last;
        }
    }

    private DateTimeOffset ToUtc(DateOnly date, int minuteOfDay, bool latest)
    {
        var local = date.ToDateTime(TimeOnly.MinValue).AddMinutes(minuteOfDay);
        if (zone!.IsInvalidTime(local))
        {
            return GapEnd(local);
        }

        if (zone.IsAmbiguousTime(local))
        {
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            return new DateTimeOffset(local, latest ? offsets.Min() : offsets.Max()).ToUniversalTime();
        }

        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>A wall-clock time skipped by a transition: the first instant whose wall clock is at or after it, i.e. the transition.</summary>
    private DateTimeOffset GapEnd(DateTime local)
    {
        var before = zone!.GetUtcOffset(local.AddDays(-1));
        var after = zone.GetUtcOffset(local.AddDays(1));
        var lo = (local.Ticks - Math.Max(before.Ticks, after.Ticks)) / TimeSpan.TicksPerSecond;
        var hi = (local.Ticks - Math.Min(before.Ticks, after.Ticks)) / TimeSpan.TicksPerSecond;
        while (hi - lo > 1)
        {
            var mid = lo + (hi - lo) / 2;
            var wall = TimeZoneInfo.ConvertTimeFromUtc(new DateTime(mid * TimeSpan.TicksPerSecond, DateTimeKind.Utc), zone);
            if (wall >= local)
            {
                hi = mid;
            }
            else
            {
                lo = mid;
            }
        }

        return new DateTimeOffset(hi * TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    private static (int Start, int End)[] Merge(IEnumerable<(int Start, int End)> spans)
    {
        var merged = new List<(int Start, int End)>();
        foreach (var span in spans.OrderBy(s => s.Start))
        {
            if (merged.Count > 0 && span.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, span.End));
            }
            else
            {
                merged.Add(span);
            }
        }

        return merged.ToArray();
    }
}
