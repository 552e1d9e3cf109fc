namespace Kefu.Core.Calendars;

/// <summary>
/// Opening hours on one day of the week, in the calendar's local time. <see cref="End"/> 00:00 means midnight at
/// the end of the day (so 00:00–00:00 is the whole day); an end before the start is an overnight slot that runs
/// into the next day (22:00–06:00).
/// </summary>
public sealed record OpeningSlot(DayOfWeek Day, TimeOnly Start, TimeOnly End)
{
    public bool IsOvernight => End != TimeOnly.MinValue && End < Start;

    /// <summary>The minutes of day [start, end) this slot covers on its own day and, when overnight, on the next.</summary>
    internal IEnumerable<(DayOfWeek Day, int Start, int End)> Spans()
    {
        var start = Start.Hour * 60 + Start.Minute;
        var end = End.Hour * 60 + End.Minute;
        if (end == 0)
        {
            yield return (Day, start, 1440);
        }
        else if (end > start)
        {
            yield return (Day, start, end);
        }
        else
        {
            yield return (Day, start, 1440);
            yield return ((DayOfWeek)(((int)Day + 1) % 7), 0, end);
        }
    }

    /// <summary>"09:00" → 09:00; "24:00" is accepted as midnight at the end of the day (stored as 00:00).</summary>
    public static bool TryParseTime(string? text, out TimeOnly time)
    {
        time = default;
        if (text is null)
        {
            return false;
        }

        text = text.Trim();
        if (text is "24:00" or "24:00:00")
        {
            time = TimeOnly.MinValue;
            return true;
        }

        return text.Length is 5 or 8
            && TimeOnly.TryParseExact(text, text.Length == 5 ? "HH:mm" : "HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out time)
            && time.Second == 0;
    }

    public static string Format(TimeOnly time) => time.ToString("HH:mm", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// Days the business is closed, whole local days from <see cref="Start"/> to <see cref="End"/> inclusive;
/// <see cref="Yearly"/> repeats them every year from the first one (fixed-date holidays such as 1 January).
/// </summary>
public sealed record Holiday(string Name, DateOnly Start, DateOnly End, bool Yearly = false)
{
    public const int MaxDays = 366;

    public bool Covers(DateOnly date)
    {
        if (!Yearly)
        {
            return date >= Start && date <= End;
        }

        // The occurrence of this year or the one of last year that runs over New Year.
        for (var years = date.Year - Start.Year; years >= date.Year - Start.Year - 1 && years >= 0; years--)
        {
            if (date >= Start.AddYears(years) && date <= End.AddYears(years))
            {
                return true;
            }
        }

        return false;
    }
}
