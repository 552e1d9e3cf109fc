using System.Globalization;
using System.Text;
using Kefu.Core.Common;

namespace Kefu.Core.Calendars;

/// <summary>What an iCalendar import found: the holidays, and a line for every event it left out and why.</summary>
public sealed record HolidayImport(IReadOnlyList<Holiday> Holidays, IReadOnlyList<string> Skipped);

/// <summary>
/// Reads holidays from an iCalendar (.ics, RFC 5545) file: every VEVENT becomes whole closed days. DTSTART/DTEND as
/// DATE (DTEND exclusive) or DATE-TIME (UTC, with TZID, or floating in the calendar's zone: the local days it touches),
/// DURATION in days or weeks, and RRULE:FREQ=YEARLY (INTERVAL, COUNT, UNTIL). Other recurrences (BYDAY rules such
/// as "fourth Thursday", weekly…) are reported as skipped, never guessed.
/// </summary>
public static class ICalendarHolidays
{
    public const int MaxEvents = 2_000;
    private const int MaxExpanded = 100;

    public static Result<HolidayImport> Parse(string? text, TimeZoneInfo zone)
    {
        if (string.IsNullOrWhiteSpace(text) || !text.TrimStart('\uFEFF', ' ', '\r', '\n', '\t').StartsWith("BEGIN:VCALENDAR", StringComparison.OrdinalIgnoreCase))
        {
            return Invalid.Field("file", "is not an iCalendar file (it must start with BEGIN:VCALENDAR).");
        }

        var holidays = new List<Holiday>();
        var skipped = new List<string>();
        Dictionary<string, (Dictionary<string, string> Parameters, string Value)>? current = null;
        var depth = 0;
        var events = 0;
        foreach (var (name, parameters, value) in Properties(text))
        {
            if (name == "BEGIN")
            {
                if (value.Equals("VEVENT", StringComparison.OrdinalIgnoreCase) && current is null)
                {
                    current = new(StringComparer.OrdinalIgnoreCase);
                    depth = 0;
                }
                else if (current is not null)
                {
                    depth++; // VALARM inside an event: its properties are not the event's.
                }

                continue;
            }

            if (name == "END" && current is not null)
            {
                if (depth > 0)
                {
                    depth--;
                    continue;
                }

                if (++events > MaxEvents)
                {
                    return Invalid.Field("file", $"must contain at most {MaxEvents} events.");
                }

                Read(current, zone, holidays, skipped);
                current = null;
                continue;
            }

            if (current is not null && depth == 0)
            {
                current.TryAdd(name, (parameters, value));
            }
        }

        if (events == 0)
        {
            return Invalid.Field("file", "contains no events (VEVENT).");
        }

        return new HolidayImport(holidays, skipped);
    }

    private static void Read(Dictionary<string, (Dictionary<string, string> Parameters, string Value)> ev, TimeZoneInfo zone, List<Holiday> holidays, List<string> skipped)
    {
        var summary = ev.TryGetValue("SUMMARY", out var s) ? Unescape(s.Value).Trim() : "";
        var label = summary.Length > 0 ? summary : "(no title)";
        if (summary.Length == 0)
        {
            summary = "Holiday";
        }

        if (summary.Length > Limits.Name)
        {
            summary = summary[..Limits.Name];
        }

        if (ev.TryGetValue("STATUS", out var status) && status.Value.Trim().Equals("CANCELLED", StringComparison.OrdinalIgnoreCase))
        {
            skipped.Add($"{label}: cancelled.");
            return;
        }

        if (!ev.TryGetValue("DTSTART", out var dtStart) || ParseMoment(dtStart.Parameters, dtStart.Value, zone) is not { } start)
        {
            skipped.Add($"{label}: no readable DTSTART.");
            return;
        }

        DateOnly last;
        if (ev.TryGetValue("DTEND", out var dtEnd))
        {
            if (ParseMoment(dtEnd.Parameters, dtEnd.Value, zone) is not { } end)
            {
                skipped.Add($"{label}: unreadable DTEND.");
                return;
            }

            last = LastDay(start, end);
        }
        else if (ev.TryGetValue("DURATION", out var duration))
        {
            if (ParseDays(duration.Value) is not { } days)
            {
                skipped.Add($"{label}: unsupported DURATION {duration.Value}.");
                return;
            }

            last = LastDay(start, new Moment(start.Local.AddDays(days), start.IsDate));
        }
        else
        {
            last = start.Date;
        }

        if (last < start.Date)
        {
            last = start.Date;
        }

        if (last.DayNumber - start.Date.DayNumber >= Holiday.MaxDays)
        {
            skipped.Add($"{label}: longer than {Holiday.MaxDays} days.");
            return;
        }

        if (!ev.TryGetValue("RRULE", out var rrule))
        {
            holidays.Add(new Holiday(summary, start.Date, last));
            return;
        }

        var rule = rrule.Value.Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0].Trim().ToUpperInvariant())
            .ToDictionary(g => g.Key, g => g.First()[1].Trim());
        if (!rule.TryGetValue("FREQ", out var freq) || !freq.Equals("YEARLY", StringComparison.OrdinalIgnoreCase))
        {
            skipped.Add($"{label}: recurrence {rrule.Value} is not supported (only FREQ=YEARLY).");
            return;
        }

        var unsupported = rule.Keys.Except(["FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"]).ToList();
        if (unsupported.Count > 0 && !IsSameDate(rule, start.Date))
        {
            skipped.Add($"{label}: recurrence {rrule.Value} is not supported ({string.Join(", ", unsupported)}).");
            return;
        }

        var interval = rule.TryGetValue("INTERVAL", out var i) && int.TryParse(i, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;
        int? count = rule.TryGetValue("COUNT", out var c) && int.TryParse(c, NumberStyles.None, CultureInfo.InvariantCulture, out var k) && k > 0 ? k : null;
        DateOnly? until = rule.TryGetValue("UNTIL", out var u) && ParseMoment([], u, zone) is { } untilMoment ? untilMoment.Date : null;
        if (interval == 1 && count is null && until is null)
        {
            holidays.Add(new Holiday(summary, start.Date, last, Yearly: true));
            return;
        }

        var span = last.DayNumber - start.Date.DayNumber;
        for (var occurrence = 0; occurrence < (count ?? MaxExpanded) && occurrence < MaxExpanded; occurrence++)
        {
            var first = start.Date.AddYears(occurrence * interval);
            if (until is { } end && first > end)
            {
                break;
            }

            holidays.Add(new Holiday(summary, first, first.AddDays(span)));
        }
    }

    /// <summary>BYMONTH/BYMONTHDAY that only restate DTSTART's own date are harmless; anything else changes the dates.</summary>
    private static bool IsSameDate(Dictionary<string, string> rule, DateOnly start) =>
        rule.Keys.Except(["FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST"]).All(key => key switch
        {
            "BYMONTH" => rule[key] == start.Month.ToString(CultureInfo.InvariantCulture),
            "BYMONTHDAY" => rule[key] == start.Day.ToString(CultureInfo.InvariantCulture),
            _ => false,
        });

    private readonly record struct Moment(DateTime Local, bool IsDate)
    {
        public DateOnly Date => DateOnly.FromDateTime(Local);
    }

    private static DateOnly LastDay(Moment start, Moment end)
    {
        // DATE ends are exclusive; a DATE-TIME end at midnight does not touch that day.
        if (end.Local <= start.Local)
        {
            return start.Date;
        }

        return DateOnly.FromDateTime(end.IsDate || end.Local.TimeOfDay == TimeSpan.Zero ? end.Local.AddDays(-1) : end.Local);
    }

    private static Moment? ParseMoment(Dictionary<string, string> parameters, string value, TimeZoneInfo zone)
    {
        value = value.Trim();
        if (value.Length == 8 && DateTime.TryParseExact(value, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return new Moment(date, true);
        }

        var utc = value.EndsWith('Z');
        if (!DateTime.TryParseExact(utc ? value[..^1] : value, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return null;
        }

        if (utc)
        {
            return new Moment(TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(time, DateTimeKind.Utc), zone), false);
        }

        if (parameters.TryGetValue("TZID", out var tzid) && TimeZoneInfo.TryFindSystemTimeZoneById(tzid.Trim('"'), out var eventZone) && eventZone.Id != zone.Id)
        {
            var instant = TimeZoneInfo.ConvertTimeToUtc(eventZone.IsInvalidTime(time) ? time.AddHours(1) : time, eventZone);
            return new Moment(TimeZoneInfo.ConvertTimeFromUtc(instant, zone), false);
        }

        return new Moment(time, false);
    }

    private static int? ParseDays(string duration)
    {
        duration = duration.Trim().ToUpperInvariant();
        if (duration.Length < 3 || duration[0] != 'P')
        {
            return null;
        }

        var unit = duration[^1];
        var digits = duration[1..^1];
        if (duration.Contains('T') || !int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        return unit switch
        {
            'D' => n,
            'W' => n * 7,
            _ => null,
        };
    }

    /// <summary>Unfolded content lines as (NAME, parameters, value).</summary>
    private static IEnumerable<(string Name, Dictionary<string, string> Parameters, string Value)> Properties(string text)
    {
        var lines = new List<StringBuilder>();
        foreach (var raw in text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n'))
        {
            if (raw.Length > 0 && (raw[0] == ' ' || raw[0] == '\t') && lines.Count > 0)
            {
                lines[^1].Append(raw, 1, raw.Length - 1);
            }
            else
            {
                lines.Add(new StringBuilder(raw.TrimStart('\uFEFF')));
            }
        }

        foreach (var builder in lines)
        {
            var line = builder.ToString();
            var colon = -1;
            var quoted = false;
            for (var i = 0; i < line.Length; i++)
            {
                if (line[i] == '"')
                {
                    quoted = !quoted;
                }
                else if (line[i] == ':' && !quoted)
                {
                    colon = i;
                    break;
                }
            }

            if (colon <= 0)
            {
                continue;
            }

            var head = line[..colon].Split(';');
            var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in head.Skip(1))
            {
                var eq = parameter.IndexOf('=');
                if (eq > 0)
                {
                    parameters[parameter[..eq].Trim()] = parameter[(eq + 1)..].Trim();
                }
            }

            yield return (head[0].Trim().ToUpperInvariant(), parameters, line[(colon + 1)..]);
        }
    }

    private static string Unescape(string value)
    {
        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                i++;
                result.Append(value[i] is 'n' or 'N' ? ' ' : value[i]);
            }
            else
            {
                result.Append(value[i]);
            }
        }

        return result.ToString();
    }
}
