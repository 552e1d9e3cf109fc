using Kefu.Core.Calendars;

namespace Kefu.Core.Tests.Calendars;

public sealed class HolidayTests
{
    public static readonly TheoryData<string, string, bool, string, bool> Table = new()
    {
        // start, end, yearly, date, covered
        { "2026-10-01", "2026-10-07", false, "2026-10-01", true },
        { "2026-10-01", "2026-10-07", false, "2026-10-07", true },
        { "2026-10-01", "2026-10-07", false, "2026-10-08", false },
        { "2026-10-01", "2026-10-07", false, "2027-10-03", false },
        { "2020-01-01", "2020-01-01", true, "2031-01-01", true },
        { "2020-01-01", "2020-01-01", true, "2019-01-01", false },   // not before the first occurrence
        { "2025-12-31", "2026-01-02", true, "2030-01-02", true },    // runs over New Year
        { "2025-12-31", "2026-01-02", true, "2030-12-31", true },
        { "2025-12-31", "2026-01-02", true, "2030-01-03", false },
        { "2024-02-29", "2024-02-29", true, "2025-02-28", true },    // leap day falls back to 28 February
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Covers_Table(string start, string end, bool yearly, string date, bool covered)
    {
        var holiday = new Holiday("h", DateOnly.Parse(start), DateOnly.Parse(end), yearly);

        Assert.Equal(covered, holiday.Covers(DateOnly.Parse(date)));
    }
}
