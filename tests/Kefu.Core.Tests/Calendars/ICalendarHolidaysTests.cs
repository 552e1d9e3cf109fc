using Kefu.Core.Calendars;
using Kefu.Core.Common;

namespace Kefu.Core.Tests.Calendars;

public sealed class ICalendarHolidaysTests
{
    private static HolidayImport Parse(string body)
    {
        var result = ICalendarHolidays.Parse("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body + "END:VCALENDAR\r\n", Cal.Shanghai);
        Assert.True(result.IsOk, result.Error?.ToString());
        return result.Value;
    }

    private static string Event(params string[] lines) => "BEGIN:VEVENT\r\n" + string.Join("\r\n", lines) + "\r\nEND:VEVENT\r\n";

    public static readonly TheoryData<string[], string, string, string, bool> Events = new()
    {
        // properties, summary, first day, last day, yearly
        { ["SUMMARY:国庆节", "DTSTART;VALUE=DATE:20261001", "DTEND;VALUE=DATE:20261008"], "国庆节", "2026-10-01", "2026-10-07", false },
        { ["SUMMARY:Labour Day", "DTSTART;VALUE=DATE:20260501"], "Labour Day", "2026-05-01", "2026-05-01", false },
        { ["SUMMARY:Spring Festival", "DTSTART;VALUE=DATE:20260216", "DURATION:P7D"], "Spring Festival", "2026-02-16", "2026-02-22", false },
        { ["SUMMARY:Two weeks", "DTSTART;VALUE=DATE:20260701", "DURATION:P2W"], "Two weeks", "2026-07-01", "2026-07-14", false },
        { ["SUMMARY:New Year", "DTSTART;VALUE=DATE:20200101", "DTEND;VALUE=DATE:20200102", "RRULE:FREQ=YEARLY"], "New Year", "2020-01-01", "2020-01-01", true },
        { ["SUMMARY:Christmas", "DTSTART;VALUE=DATE:20201225", "RRULE:FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=25"], "Christmas", "2020-12-25", "2020-12-25", true },
        // 16:00 UTC is midnight in Shanghai: the local day is the next one.
        { ["SUMMARY:Maintenance", "DTSTART:20261231T160000Z", "DTEND:20270101T160000Z"], "Maintenance", "2027-01-01", "2027-01-01", false },
        // A DATE-TIME ending at local midnight does not touch the next day.
        { ["SUMMARY:Team day", "DTSTART:20261106T000000", "DTEND:20261107T000000"], "Team day", "2026-11-06", "2026-11-06", false },
        // A half day closes the whole day.
        { ["SUMMARY:Half day", "DTSTART:20261224T120000", "DTEND:20261224T180000"], "Half day", "2026-12-24", "2026-12-24", false },
        // New York evening is the next morning in Shanghai.
        { ["SUMMARY:NY evening", "DTSTART;TZID=America/New_York:20261105T200000", "DTEND;TZID=America/New_York:20261105T230000"], "NY evening", "2026-11-06", "2026-11-06", false },
        { ["SUMMARY:Escaped\\, text\\; here", "DTSTART;VALUE=DATE:20260601"], "Escaped, text; here", "2026-06-01", "2026-06-01", false },
        { ["DTSTART;VALUE=DATE:20260602"], "Holiday", "2026-06-02", "2026-06-02", false },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Parse_OneEvent_BecomesHoliday(string[] properties, string summary, string first, string last, bool yearly)
    {
        var import = Parse(Event(properties));

        var holiday = Assert.Single(import.Holidays);
        Assert.Equal(new Holiday(summary, DateOnly.Parse(first), DateOnly.Parse(last), yearly), holiday);
        Assert.Empty(import.Skipped);
    }

    [Fact]
    public void Parse_YearlyWithCount_ExpandsOccurrences()
    {
        var import = Parse(Event("SUMMARY:Founders' day", "DTSTART;VALUE=DATE:20260315", "RRULE:FREQ=YEARLY;COUNT=3"));

        Assert.Equal(["2026-03-15", "2027-03-15", "2028-03-15"], import.Holidays.Select(h => h.Start.ToString("yyyy-MM-dd")));
        Assert.All(import.Holidays, h => Assert.False(h.Yearly));
    }

    [Fact]
    public void Parse_YearlyWithIntervalAndUntil_ExpandsUntilTheEnd()
    {
        var import = Parse(Event("SUMMARY:Every other year", "DTSTART;VALUE=DATE:20260610", "DTEND;VALUE=DATE:20260612", "RRULE:FREQ=YEARLY;INTERVAL=2;UNTIL=20310101"));

        Assert.Equal(["2026-06-10/2026-06-11", "2028-06-10/2028-06-11", "2030-06-10/2030-06-11"], import.Holidays.Select(h => $"{h.Start:yyyy-MM-dd}/{h.End:yyyy-MM-dd}"));
    }

    [Theory]
    [InlineData("RRULE:FREQ=WEEKLY;BYDAY=MO", "FREQ=YEARLY")]
    [InlineData("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", "BYDAY")]
    public void Parse_UnsupportedRecurrence_IsSkippedWithReason(string rrule, string reason)
    {
        var import = Parse(Event("SUMMARY:Thanksgiving", "DTSTART;VALUE=DATE:20261126", rrule) + Event("SUMMARY:Kept", "DTSTART;VALUE=DATE:20261127"));

        Assert.Equal("Kept", Assert.Single(import.Holidays).Name);
        Assert.Contains(reason, Assert.Single(import.Skipped));
        Assert.StartsWith("Thanksgiving", import.Skipped[0]);
    }

    [Fact]
    public void Parse_FoldedLinesAlarmsAndCancelled_AreHandled()
    {
        var body = "BEGIN:VEVENT\r\nSUMMARY:中秋节 Mid-\r\n Autumn\r\nDTSTART;VALUE=DATE:20260925\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nSUMMARY:alarm text\r\nTRIGGER:-PT15M\r\nEND:VALARM\r\nEND:VEVENT\r\n"
            + Event("SUMMARY:Called off", "STATUS:CANCELLED", "DTSTART;VALUE=DATE:20260926")
            + Event("SUMMARY:No start");

        var import = Parse(body);

        Assert.Equal(new Holiday("中秋节 Mid-Autumn", new DateOnly(2026, 9, 25), new DateOnly(2026, 9, 25)), Assert.Single(import.Holidays));
        Assert.Equal(["Called off: cancelled.", "No start: no readable DTSTART."], import.Skipped);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a calendar")]
    [InlineData("BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")]
    public void Parse_NotACalendarOrNoEvents_IsInvalidFile(string text)
    {
        var result = ICalendarHolidays.Parse(text, Cal.Shanghai);

        var invalid = Assert.IsType<Invalid>(result.Error);
        Assert.Contains("file", invalid.Fields.Keys);
    }

    [Fact]
    public void ImportedHolidays_CloseTheCalendar()
    {
        var calendar = BusinessCalendar.Create(Guid.NewGuid(), "Shanghai", "Asia/Shanghai", [.. Cal.EveryWeekday(("09:00", "18:00"))], [], Cal.At("2026-01-01 00:00")).Value;
        var import = Parse(Event("SUMMARY:国庆节", "DTSTART;VALUE=DATE:20261001", "DTEND;VALUE=DATE:20261008"));

        Assert.True(calendar.AddHolidays(import.Holidays, Cal.At("2026-01-02 00:00")).IsOk);
        Assert.True(calendar.AddHolidays(import.Holidays, Cal.At("2026-01-02 00:00")).IsOk);

        Assert.Single(calendar.Holidays);
        Assert.Equal("2026-10-08 09:01", Cal.Local(calendar.Hours().AddMinutes(Cal.At("2026-09-30 17:59"), 2)));
    }
}
