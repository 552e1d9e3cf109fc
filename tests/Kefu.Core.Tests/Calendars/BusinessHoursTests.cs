using Kefu.Core.Calendars;
using static Kefu.Core.Tests.Calendars.Cal;

namespace Kefu.Core.Tests.Calendars;

public sealed class BusinessHoursTests
{
    /// <summary>Shanghai office (weekdays 09:00–12:00, 13:30–18:00; 1–7 Oct 2026 and every 1 Jan closed). 2026-11-20 is a Friday.</summary>
    public static readonly TheoryData<string, double, string> OfficeAdd = new()
    {
        { "2026-11-20 16:59", 1, "2026-11-20 17:00" },
        { "2026-11-20 17:59", 1, "2026-11-20 18:00" },
        { "2026-11-20 17:59", 2, "2026-11-23 09:01" },       // Friday 17:59 → Monday
        { "2026-11-20 17:59", 0, "2026-11-20 17:59" },
        { "2026-11-21 10:00", 0, "2026-11-21 10:00" },       // zero is the instant itself, open or not
        { "2026-11-21 10:00", 1, "2026-11-23 09:01" },       // Saturday
        { "2026-11-23 07:00", 60, "2026-11-23 10:00" },      // before opening
        { "2026-11-23 11:59", 2, "2026-11-23 13:31" },       // over lunch
        { "2026-11-23 12:10", 5, "2026-11-23 13:35" },       // during lunch
        { "2026-11-23 17:30", 60, "2026-11-24 09:30" },      // overnight
        { "2026-11-23 09:00", 450, "2026-11-23 18:00" },     // one whole business day
        { "2026-11-23 09:00", 451, "2026-11-24 09:01" },
        { "2026-11-20 09:00", 5 * 450, "2026-11-26 18:00" }, // a business week from Friday
        { "2026-09-30 17:30", 60, "2026-10-08 09:30" },      // National Day week
        { "2026-10-03 10:00", 1, "2026-10-08 09:01" },       // inside the holiday range
        { "2026-12-31 17:50", 20, "2027-01-04 09:10" },      // yearly New Year on a Friday, then the weekend
        { "2027-12-31 17:50", 20, "2028-01-03 09:10" },      // New Year on a Saturday: Monday is not a holiday
    };

    [Theory]
    [MemberData(nameof(OfficeAdd))]
    public void Add_OfficeCalendar_LandsOnBusinessMinute(string start, double minutes, string expected)
    {
        Assert.Equal(expected, Local(Office.AddMinutes(At(start), minutes)));
    }

    public static readonly TheoryData<string, string, double> OfficeBetween = new()
    {
        { "2026-11-20 17:00", "2026-11-23 10:00", 120 },     // Friday afternoon to Monday morning
        { "2026-11-21 00:00", "2026-11-22 23:59", 0 },       // weekend
        { "2026-11-23 08:00", "2026-11-23 19:00", 450 },
        { "2026-11-23 11:00", "2026-11-23 14:00", 90 },      // lunch not counted
        { "2026-09-30 09:00", "2026-10-08 09:00", 450 },     // National Day week
        { "2026-11-23 10:00", "2026-11-23 10:00", 0 },
        { "2026-11-23 11:00", "2026-11-23 10:00", 0 },       // backwards is zero
    };

    [Theory]
    [MemberData(nameof(OfficeBetween))]
    public void Between_OfficeCalendar_CountsOnlyOpenMinutes(string from, string to, double minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), Office.Between(At(from), At(to)));
    }

    public static readonly TheoryData<string, bool, string, string> OfficeOpen = new()
    {
        // now, open?, next open, open until
        { "2026-11-20 16:59", true, "2026-11-20 16:59", "2026-11-20 18:00" },
        { "2026-11-20 18:00", false, "2026-11-23 09:00", "never" },
        { "2026-11-20 08:59", false, "2026-11-20 09:00", "never" },
        { "2026-11-20 09:00", true, "2026-11-20 09:00", "2026-11-20 12:00" },
        { "2026-11-20 12:00", false, "2026-11-20 13:30", "never" },
        { "2026-10-02 10:00", false, "2026-10-08 09:00", "never" },
        { "2027-01-01 10:00", false, "2027-01-04 09:00", "never" },
    };

    [Theory]
    [MemberData(nameof(OfficeOpen))]
    public void IsOpen_NextOpen_OpenUntil_OfficeCalendar(string now, bool open, string nextOpen, string openUntil)
    {
        Assert.Equal(open, Office.IsOpen(At(now)));
        Assert.Equal(nextOpen, Local(Office.NextOpen(At(now))));
        Assert.Equal(openUntil, Local(Office.OpenUntil(At(now))));
    }

    /// <summary>Night desk, weekdays 22:00–06:00: the Friday shift ends on Saturday morning, none starts at the weekend.</summary>
    public static readonly TheoryData<string, double, string> NightAdd = new()
    {
        { "2026-11-23 23:00", 120, "2026-11-24 01:00" },     // Monday night through midnight
        { "2026-11-23 05:00", 120, "2026-11-24 00:00" },     // Monday 00:00–06:00 would be Sunday's shift: none
        { "2026-11-24 05:30", 60, "2026-11-24 22:30" },      // Tuesday morning (Monday's shift) then Tuesday night
        { "2026-11-28 05:00", 60, "2026-11-28 06:00" },      // Saturday morning: Friday's shift
        { "2026-11-28 05:30", 60, "2026-11-30 22:30" },      // then nothing until Monday night
    };

    [Theory]
    [MemberData(nameof(NightAdd))]
    public void Add_OvernightSlots_RunPastMidnight(string start, double minutes, string expected)
    {
        Assert.Equal(expected, Local(Night.AddMinutes(At(start), minutes)));
    }

    /// <summary>Daylight-saving changes: business time is elapsed time, the wall clock only decides what is open.</summary>
    public static readonly TheoryData<string, string, string, string, string, double> DstBetween = new()
    {
        // zone, daily slot, from (UTC), to (UTC), minutes
        { "America/New_York", "01:00", "05:00", "2026-03-08 00:00", "2026-03-09 00:00", 180 },  // spring forward: the day loses an hour
        { "America/New_York", "02:30", "04:00", "2026-03-08 00:00", "2026-03-09 00:00", 60 },   // slot starts in the gap: opens at 03:00
        { "America/New_York", "01:00", "05:00", "2026-11-01 00:00", "2026-11-02 00:00", 300 },  // fall back: 01:00–02:00 twice
        { "America/New_York", "00:00", "00:00", "2026-11-01 04:00", "2026-11-02 05:00", 1500 }, // a 25-hour day
        { "America/New_York", "00:00", "00:00", "2026-03-08 05:00", "2026-03-09 04:00", 1380 }, // a 23-hour day
        { "Europe/Berlin", "09:00", "17:00", "2026-03-28 00:00", "2026-03-31 00:00", 3 * 480 }, // a whole day's slot is unaffected
        { "Europe/Berlin", "01:00", "04:00", "2026-03-28 22:00", "2026-03-29 22:00", 120 },
        { "Europe/Berlin", "01:00", "04:00", "2026-10-24 22:00", "2026-10-25 22:00", 240 },
        { "Asia/Shanghai", "09:00", "18:00", "2026-03-08 00:00", "2026-03-09 00:00", 540 },    // no DST in China
    };

    [Theory]
    [MemberData(nameof(DstBetween))]
    public void Between_AcrossDstChanges_CountsElapsedTime(string zone, string slotStart, string slotEnd, string from, string to, double minutes)
    {
        Assert.Equal(TimeSpan.FromMinutes(minutes), Zone(zone, slotStart, slotEnd).Between(Utc(from), Utc(to)));
    }

    public static readonly TheoryData<string, double, string> NewYorkAdd = new()
    {
        // start (UTC), minutes, expected (UTC)
        { "2026-03-06 21:00", 120, "2026-03-09 14:00" },   // Friday 16:00 EST + 2h = Monday 10:00 EDT
        { "2026-03-09 20:30", 60, "2026-03-10 13:30" },    // Monday 16:30 EDT + 1h = Tuesday 09:30 EDT
        { "2026-10-30 20:00", 120, "2026-11-02 15:00" },   // Friday 16:00 EDT + 2h = Monday 10:00 EST
    };

    [Theory]
    [MemberData(nameof(NewYorkAdd))]
    public void Add_NewYorkOfficeAcrossDst_KeepsWallClockHours(string start, double minutes, string expected)
    {
        Assert.Equal(expected, UtcText(NewYorkOffice.AddMinutes(Utc(start), minutes)));
    }

    [Fact]
    public void Add_AllDayAcrossFallBack_IsElapsedTimeNotWallTime()
    {
        var allDay = Zone("America/New_York", "00:00", "00:00");

        // 00:00 EDT + 2 hours = 01:00 EST (the wall clock shows one hour later only).
        Assert.Equal("2026-11-01 06:00", UtcText(allDay.AddMinutes(Utc("2026-11-01 04:00"), 120)));
        Assert.True(allDay.IsOpen(Utc("2026-11-01 05:30")));
        Assert.True(allDay.IsOpen(Utc("2026-11-01 06:30")));
    }

    [Fact]
    public void Periods_TouchingSlotsAndMidnight_MergeIntoOnePeriod()
    {
        var hours = new BusinessHours(Shanghai, [Slot(DayOfWeek.Monday, "09:00", "24:00"), Slot(DayOfWeek.Tuesday, "00:00", "12:00"), Slot(DayOfWeek.Monday, "10:00", "11:00")]);

        var first = hours.Periods(At("2026-11-23 00:00")).First();

        Assert.Equal("2026-11-23 09:00", Local(first.Start));
        Assert.Equal("2026-11-24 12:00", Local(first.End));
    }

    [Fact]
    public void AlwaysOpen_EveryInstant_IsBusinessTime()
    {
        var now = At("2026-11-21 03:00");

        Assert.True(BusinessHours.AlwaysOpen.IsOpen(now));
        Assert.Equal(now.AddMinutes(90), BusinessHours.AlwaysOpen.AddMinutes(now, 90));
        Assert.Equal(TimeSpan.FromHours(48), BusinessHours.AlwaysOpen.Between(now, now.AddDays(2)));
        Assert.Null(BusinessHours.AlwaysOpen.OpenUntil(now));
    }

    [Fact]
    public void Add_CalendarWithoutSlots_NeverReachesTheTarget()
    {
        var closed = new BusinessHours(Shanghai, []);

        Assert.Null(closed.AddMinutes(At("2026-11-23 10:00"), 1));
        Assert.Null(closed.NextOpen(At("2026-11-23 10:00")));
        Assert.False(closed.IsOpen(At("2026-11-23 10:00")));
    }

    [Fact]
    public void Add_ManyBusinessDays_StaysFast()
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 1_000; i++)
        {
            Office.AddMinutes(At("2026-11-20 16:59"), 24 * 60);
        }

        // 1,000 three-business-day SLA targets: the write path computes a few per conversation.
        Assert.True(started.ElapsedMilliseconds < 1_000, $"took {started.ElapsedMilliseconds} ms");
    }
}
