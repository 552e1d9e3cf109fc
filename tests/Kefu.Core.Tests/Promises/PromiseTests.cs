using Kefu.Core.Common;
using Kefu.Core.Promises;
using Kefu.Core.Tests.Calendars;

namespace Kefu.Core.Tests.Promises;

public sealed class PromiseTests
{
    private static readonly DateTimeOffset Now = Cal.At("2026-11-20 16:59");

    private static Promise Open(int dueInMinutes = 60, int? remind = null) =>
        Promise.Create(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "18:00 前回电", Now.AddMinutes(dueInMinutes), remind, Now).Value;

    public static readonly TheoryData<string?, int, int?, string[]> Bad = new()
    {
        { null, 60, null, ["text"] },
        { "ok", 0, null, ["dueAt"] },
        { "ok", -5, null, ["dueAt"] },
        { "ok", 60, -1, ["remindMinutes"] },
        { "ok", 60, 7 * 24 * 60 + 1, ["remindMinutes"] },
        { new string('x', 501), 60, null, ["text"] },
    };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Create_Invalid_Table(string? text, int dueInMinutes, int? remind, string[] fields)
    {
        var result = Promise.Create(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), text, Now.AddMinutes(dueInMinutes), remind, Now);

        Assert.Equal(fields, ((Kefu.Core.Common.Invalid)result.Error!).Fields.Keys);
    }

    public static readonly TheoryData<int, bool, bool> Timeline = new()
    {
        // minutes from now → reminder due, overdue due (each once)
        { 44, false, false },
        { 45, true, false },
        { 59, true, false },
        { 60, true, true },
        { 600, true, true },
    };

    [Theory]
    [MemberData(nameof(Timeline))]
    public void RemindAndOverdue_Table(int minutes, bool remind, bool overdue)
    {
        var promise = Open();
        var at = Now.AddMinutes(minutes);

        Assert.Equal(remind, promise.Remind(at));
        Assert.Equal(overdue, promise.Overdue(at));
        Assert.False(promise.Remind(at));      // never twice
        Assert.False(promise.Overdue(at));
    }

    [Fact]
    public void Close_Kept_NoMoreAlertsAndOnlyOnce()
    {
        var promise = Open();

        Assert.True(promise.Close(PromiseStatus.Kept, Now.AddMinutes(10)).IsOk);

        Assert.False(promise.Overdue(Now.AddHours(2)));
        Assert.IsType<Conflict>(promise.Close(PromiseStatus.Cancelled, Now.AddMinutes(11)).Error);
        Assert.IsType<Kefu.Core.Common.Invalid>(Open().Close(PromiseStatus.Open, Now).Error);
    }

    public static readonly TheoryData<int, int?, double?> FollowUpHours = new()
    {
        // default hours, the category's hours → follow-up after (hours), null = off
        { 48, null, 48 },
        { 48, 2, 2 },
        { 48, 0, null },
        { 0, null, null },
        { 0, 24, 24 },
    };

    [Theory]
    [MemberData(nameof(FollowUpHours))]
    public void FollowUpSettings_After_Table(int defaultHours, int? categoryHours, double? expected)
    {
        var category = Guid.NewGuid();
        var settings = FollowUpSettings.Default(Now);
        settings.Set(defaultHours, categoryHours is { } h ? new Dictionary<Guid, int> { [category] = h } : null, Now);

        Assert.Equal(expected, settings.After(category)?.TotalHours);
    }

    [Fact]
    public void FollowUp_NotifyOnceWhenDue_CancelledNeverNotifies()
    {
        var followUp = FollowUp.Schedule(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), TimeSpan.FromHours(48), Now);
        var cancelled = FollowUp.Schedule(Guid.NewGuid(), Guid.NewGuid(), null, TimeSpan.FromHours(48), Now);
        cancelled.Close(FollowUpStatus.Cancelled, Now.AddHours(1));

        Assert.False(followUp.Notify(Now.AddHours(47)));
        Assert.True(followUp.Notify(Now.AddHours(48)));
        Assert.False(followUp.Notify(Now.AddHours(49)));
        Assert.False(cancelled.Notify(Now.AddHours(48)));
    }
}
