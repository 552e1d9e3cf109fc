using Kefu.Core.Calendars;
using Kefu.Core.Common;

namespace Kefu.Core.Tests.Calendars;

public sealed class BusinessCalendarTests
{
    private static readonly DateTimeOffset Now = Cal.At("2026-11-20 16:59");

    [Fact]
    public void Create_ValidCalendar_SortsSlotsAndKeepsTheZone()
    {
        var calendar = BusinessCalendar.Create(Guid.NewGuid(), " Office ", "Asia/Shanghai", [Cal.Slot(DayOfWeek.Tuesday, "09:00", "18:00"), Cal.Slot(DayOfWeek.Monday, "09:00", "18:00")], null, Now).Value;

        Assert.Equal("Office", calendar.Name);
        Assert.Equal([DayOfWeek.Monday, DayOfWeek.Tuesday], calendar.Slots.Select(s => s.Day));
        Assert.True(calendar.Hours().IsOpen(Cal.At("2026-11-23 10:00")));
    }

    public static readonly TheoryData<string?, string?, OpeningSlot[], Holiday[], string> InvalidTable = new()
    {
        { "", "Asia/Shanghai", [], [], "name" },
        { "x", null, [], [], "timeZone" },
        { "x", "Mars/Olympus", [], [], "timeZone" },
        { "x", "Asia/Shanghai", [new OpeningSlot(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(9, 0))], [], "slots[0].end" },
        { "x", "Asia/Shanghai", [new OpeningSlot((DayOfWeek)9, new TimeOnly(9, 0), new TimeOnly(10, 0))], [], "slots[0].day" },
        { "x", "Asia/Shanghai", [new OpeningSlot(DayOfWeek.Monday, new TimeOnly(9, 0, 30), new TimeOnly(10, 0))], [], "slots[0]" },
        { "x", "Asia/Shanghai", [], [new Holiday("h", new DateOnly(2026, 10, 7), new DateOnly(2026, 10, 1))], "holidays[0].end" },
        { "x", "Asia/Shanghai", [], [new Holiday(" ", new DateOnly(2026, 10, 1), new DateOnly(2026, 10, 1))], "holidays[0].name" },
        { "x", "Asia/Shanghai", [], [new Holiday("h", new DateOnly(2026, 1, 1), new DateOnly(2027, 6, 1))], "holidays[0].end" },
    };

    [Theory]
    [MemberData(nameof(InvalidTable))]
    public void Create_InvalidInput_NamesTheField(string? name, string? zone, OpeningSlot[] slots, Holiday[] holidays, string field)
    {
        var result = BusinessCalendar.Create(Guid.NewGuid(), name, zone, slots, holidays, Now);

        Assert.Contains(field, Assert.IsType<Invalid>(result.Error).Fields.Keys);
    }

    [Theory]
    [InlineData("09:00", true, "09:00")]
    [InlineData("24:00", true, "00:00")]
    [InlineData("23:59", true, "23:59")]
    [InlineData("9:00", false, "")]
    [InlineData("25:00", false, "")]
    [InlineData("09:00:30", false, "")]
    [InlineData(null, false, "")]
    public void TryParseTime_Table(string? text, bool ok, string expected)
    {
        Assert.Equal(ok, OpeningSlot.TryParseTime(text, out var time));
        if (ok)
        {
            Assert.Equal(expected, OpeningSlot.Format(time));
        }
    }

    [Fact]
    public void Update_ChangedParts_BumpsVersionAndReportsChanges()
    {
        var calendar = BusinessCalendar.Create(Guid.NewGuid(), "Office", "Asia/Shanghai", [.. Cal.EveryWeekday(("09:00", "18:00"))], null, Now).Value;

        var changes = calendar.Update(null, "Europe/Berlin", null, null, Now.AddMinutes(1)).Value;

        Assert.Equal("timeZone", Assert.Single(changes).Field);
        Assert.Equal(2, calendar.Version);
        Assert.Empty(calendar.Update("Office", "Europe/Berlin", null, null, Now.AddMinutes(2)).Value);
        Assert.Equal(2, calendar.Version);
    }
}
