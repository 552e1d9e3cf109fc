using System.Globalization;
using Kefu.Core.Calendars;

namespace Kefu.Core.Tests.Calendars;

/// <summary>Literal calendars for the tables; times are written as wall-clock text in the calendar's zone.</summary>
internal static class Cal
{
    public static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
    public static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    public static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    private static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public static OpeningSlot Slot(DayOfWeek day, string start, string end)
    {
        Assert.True(OpeningSlot.TryParseTime(start, out var s));
        Assert.True(OpeningSlot.TryParseTime(end, out var e));
        return new OpeningSlot(day, s, e);
    }

    public static IEnumerable<OpeningSlot> EveryWeekday(params (string Start, string End)[] slots) =>
        Weekdays.SelectMany(day => slots.Select(s => Slot(day, s.Start, s.End)));

    public static IEnumerable<OpeningSlot> EveryDay(string start, string end) =>
        Enum.GetValues<DayOfWeek>().Select(day => Slot(day, start, end));

    /// <summary>Shanghai office: weekdays 09:00–12:00 and 13:30–18:00; National Day week 2026 and New Year every year closed.</summary>
    public static readonly BusinessHours Office = new(
        Shanghai,
        EveryWeekday(("09:00", "12:00"), ("13:30", "18:00")),
        [new Holiday("国庆节", new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 7)), new Holiday("元旦 New Year", new DateOnly(2020, 1, 1), new DateOnly(2020, 1, 1), Yearly: true)]);

    /// <summary>A night desk: weekdays 22:00–06:00 (the Friday shift ends Saturday morning).</summary>
    public static readonly BusinessHours Night = new(Shanghai, EveryWeekday(("22:00", "06:00")));

    /// <summary>New York 09:00–17:00 on weekdays, across the 2026 DST changes (8 March, 1 November).</summary>
    public static readonly BusinessHours NewYorkOffice = new(NewYork, EveryWeekday(("09:00", "17:00")));

    public static BusinessHours Zone(string zone, string slotStart, string slotEnd) =>
        new(TimeZoneInfo.FindSystemTimeZoneById(zone), EveryDay(slotStart, slotEnd));

    /// <summary>"2026-11-20 16:59" in <paramref name="zone"/> (the earlier occurrence when repeated) as an instant.</summary>
    public static DateTimeOffset At(string local, TimeZoneInfo? zone = null)
    {
        zone ??= Shanghai;
        var time = DateTime.ParseExact(local, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var offset = zone.IsAmbiguousTime(time) ? zone.GetAmbiguousTimeOffsets(time).Max() : zone.GetUtcOffset(time);
        return new DateTimeOffset(time, offset).ToUniversalTime();
    }

    public static DateTimeOffset Utc(string utc) =>
        DateTimeOffset.ParseExact(utc, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime();

    public static string Local(DateTimeOffset? instant, TimeZoneInfo? zone = null) =>
        instant is { } value ? TimeZoneInfo.ConvertTime(value, zone ?? Shanghai).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never";

    public static string UtcText(DateTimeOffset? instant) =>
        instant is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never";
}
