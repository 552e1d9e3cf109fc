using Kefu.Core.Calendars;
using Kefu.Core.Sla;
using Kefu.Core.Tests.Calendars;

namespace Kefu.Core.Tests.Sla;

/// <summary>
/// Chat policy (first response 5, next response 5, resolution 480 business minutes, warning at 80%) on the Shanghai
/// office calendar (weekdays 09:00–12:00 and 13:30–18:00, 1–7 October 2026 closed). 2026-11-20 is a Friday.
/// </summary>
public sealed class SlaClockTests
{
    private static SlaScenario Office() => new(SlaScenario.Chat(), Cal.Office);

    public static readonly TheoryData<string[], string, string, string, string> Dues = new()
    {
        // steps, first response due, next response due, resolution due, next SLA worker instant
        { ["2026-11-20 16:59 open"], "2026-11-20 17:04", "never", "2026-11-23 17:29", "2026-11-20 17:03" },                        // Friday 16:59
        { ["2026-11-20 17:57 open"], "2026-11-23 09:02", "never", "2026-11-24 09:27", "2026-11-23 09:01" },                        // over the weekend
        { ["2026-11-21 10:00 open"], "2026-11-23 09:05", "never", "2026-11-24 09:30", "2026-11-23 09:04" },                        // written on Saturday
        { ["2026-09-30 17:58 open"], "2026-10-08 09:03", "never", "2026-10-09 09:28", "2026-10-08 09:02" },                        // National Day week
        { ["2026-11-23 11:58 open"], "2026-11-23 13:33", "never", "2026-11-24 13:58", "2026-11-23 13:32" },                        // over lunch
        { ["2026-11-23 10:00 open", "2026-11-23 10:01 on_hold"], "2026-11-23 10:05", "never", "2026-11-24 10:30", "2026-11-23 10:04" }, // on hold does not pause
        // Pending before the first reply pauses every clock: 28 minutes later.
        { ["2026-11-23 10:00 open", "2026-11-23 10:02 pending"], "never", "never", "never", "never" },
        { ["2026-11-23 10:00 open", "2026-11-23 10:02 pending", "2026-11-23 10:30 reopen"], "2026-11-23 10:33", "never", "2026-11-24 10:58", "2026-11-23 10:32" },
        // Replied, pending on the customer from 10:10 to 14:00 (140 business minutes), then the customer writes.
        { ["2026-11-23 10:00 open", "2026-11-23 10:02 out", "2026-11-23 10:10 pending"], "2026-11-23 10:05", "never", "never", "never" },
        { ["2026-11-23 10:00 open", "2026-11-23 10:02 out", "2026-11-23 10:10 pending", "2026-11-23 14:00 in"], "2026-11-23 10:05", "2026-11-23 14:05", "2026-11-24 14:20", "2026-11-23 14:04" },
        // Pending over the weekend counts only the business minutes it held.
        { ["2026-11-20 16:59 open", "2026-11-20 17:02 pending", "2026-11-23 09:00 reopen"], "2026-11-23 09:02", "never", "2026-11-24 09:27", "2026-11-23 09:01" },
        // Resolved stops the resolution clock; reopening resumes it without the resolved time.
        { ["2026-11-23 10:00 open", "2026-11-23 10:02 out", "2026-11-23 11:00 resolve"], "2026-11-23 10:05", "never", "2026-11-24 10:30", "never" },
        { ["2026-11-23 10:00 open", "2026-11-23 10:02 out", "2026-11-23 11:00 resolve", "2026-11-24 10:00 in"], "2026-11-23 10:05", "2026-11-24 10:05", "2026-11-25 09:30", "2026-11-24 10:04" },
        // A note is not a reply.
        { ["2026-11-23 10:00 open", "2026-11-23 10:01 note"], "2026-11-23 10:05", "never", "2026-11-24 10:30", "2026-11-23 10:04" },
        // Answered: the next response clock runs only while the customer waits.
        { ["2026-11-23 10:00 open", "2026-11-23 10:01 out", "2026-11-23 10:30 in", "2026-11-23 10:32 out"], "2026-11-23 10:05", "never", "2026-11-24 10:30", "2026-11-23 17:54" },
    };

    [Theory]
    [MemberData(nameof(Dues))]
    public void Refresh_Steps_DueTimes(string[] steps, string first, string next, string resolution, string nextSla)
    {
        var scenario = Office().Play(steps);

        Assert.Equal(first, scenario.Due(SlaMetric.FirstResponse));
        Assert.Equal(next, scenario.Due(SlaMetric.NextResponse));
        Assert.Equal(resolution, scenario.Due(SlaMetric.Resolution));
        Assert.Equal(nextSla, scenario.NextSlaDue);
    }

    public static readonly TheoryData<string[], string[]> Events = new()
    {
        // The worker on time: warning at 80%, breach, the first escalation at once, the second 30 business minutes later.
        {
            ["2026-11-20 16:59 open", "2026-11-20 17:02 tick", "2026-11-20 17:03 tick", "2026-11-20 17:04 tick", "2026-11-20 17:33 tick", "2026-11-20 17:34 tick", "2026-11-20 17:40 tick"],
            [
                "2026-11-20 17:03 FirstResponse Warning due 2026-11-20 17:04",
                "2026-11-20 17:04 FirstResponse Breach due 2026-11-20 17:04",
                "2026-11-20 17:04 FirstResponse Escalation1 due 2026-11-20 17:04",
                "2026-11-20 17:34 FirstResponse Escalation2 due 2026-11-20 17:04",
            ]
        },
        // A worker that was down all weekend: no stale warning, everything else once.
        {
            ["2026-11-20 16:59 open", "2026-11-23 09:00 tick", "2026-11-23 09:01 tick"],
            [
                "2026-11-23 09:00 FirstResponse Breach due 2026-11-20 17:04",
                "2026-11-23 09:00 FirstResponse Escalation1 due 2026-11-20 17:04",
                "2026-11-23 09:00 FirstResponse Escalation2 due 2026-11-20 17:04",
            ]
        },
        // A late reply before the worker noticed: the write records the breach; nothing escalates afterwards.
        {
            ["2026-11-20 16:59 open", "2026-11-20 17:06 out", "2026-11-20 17:40 tick"],
            ["2026-11-20 17:06 FirstResponse Breach due 2026-11-20 17:04"]
        },
        // Answered after the warning, in time.
        {
            ["2026-11-20 16:59 open", "2026-11-20 17:03 tick", "2026-11-20 17:03 out", "2026-11-20 17:10 tick"],
            ["2026-11-20 17:03 FirstResponse Warning due 2026-11-20 17:04"]
        },
        // Pending on the customer: the clock stands still over the weekend, then warns after the reopen.
        {
            ["2026-11-20 16:59 open", "2026-11-20 17:02 pending", "2026-11-20 17:30 tick", "2026-11-23 09:00 reopen", "2026-11-23 09:00 tick", "2026-11-23 09:01 tick"],
            ["2026-11-23 09:01 FirstResponse Warning due 2026-11-23 09:02"]
        },
        // Next response: each wait is its own cycle.
        {
            ["2026-11-23 10:00 open", "2026-11-23 10:01 out", "2026-11-23 10:30 in", "2026-11-23 10:36 tick", "2026-11-23 10:40 out", "2026-11-23 10:50 in", "2026-11-23 10:54 tick", "2026-11-23 10:57 out"],
            [
                "2026-11-23 10:36 NextResponse Breach due 2026-11-23 10:35",
                "2026-11-23 10:36 NextResponse Escalation1 due 2026-11-23 10:35",
                "2026-11-23 10:54 NextResponse Warning due 2026-11-23 10:55",
                "2026-11-23 10:57 NextResponse Breach due 2026-11-23 10:55",
            ]
        },
    };

    [Theory]
    [MemberData(nameof(Events))]
    public void Advance_Steps_FiresEachEventOnce(string[] steps, string[] expected)
    {
        var scenario = Office().Play(steps);

        Assert.Equal(expected, scenario.EventLines);
    }

    [Fact]
    public void Advance_NextResponseCycles_AreNumbered()
    {
        var scenario = Office().Play("2026-11-23 10:00 open", "2026-11-23 10:01 out", "2026-11-23 10:30 in", "2026-11-23 10:36 tick", "2026-11-23 10:40 out", "2026-11-23 10:50 in", "2026-11-23 10:57 out");

        Assert.Equal([1, 1, 2], scenario.Events.Select(e => e.Event.Cycle));
    }

    [Fact]
    public void Advance_EscalationActions_AreValuesOfTheLevel()
    {
        var scenario = Office().Play("2026-11-20 16:59 open", "2026-11-20 17:34 tick");

        var escalations = scenario.Events.Select(e => e.Event).Where(e => e.Kind == SlaEventKind.Escalation).ToList();
        Assert.Equal([EscalationActionKind.NotifySupervisor], escalations[0].Actions.Select(a => a.Kind));
        Assert.Equal([EscalationActionKind.RaisePriority], escalations[1].Actions.Select(a => a.Kind));
    }

    [Fact]
    public void Refresh_NoCalendar_RunsAroundTheClock()
    {
        var scenario = new SlaScenario(SlaScenario.Chat(), BusinessHours.AlwaysOpen).Play("2026-11-21 03:00 open");

        Assert.Equal("2026-11-21 03:05", scenario.Due(SlaMetric.FirstResponse));
        Assert.Equal("2026-11-21 11:00", scenario.Due(SlaMetric.Resolution));
    }

    [Fact]
    public void Refresh_WarningsOff_NextEventIsTheBreach()
    {
        var scenario = new SlaScenario(SlaScenario.Chat(warning: 0), Cal.Office).Play("2026-11-20 16:59 open");

        Assert.Equal("2026-11-20 17:04", scenario.NextSlaDue);
    }

    [Fact]
    public void Refresh_ImmediateTarget_IsDueAtCreation()
    {
        var scenario = new SlaScenario(SlaScenario.Chat(first: 0), Cal.Office).Play("2026-11-23 10:00 open", "2026-11-23 10:00 tick");

        Assert.Equal("2026-11-23 10:00", scenario.Due(SlaMetric.FirstResponse));
        Assert.Contains("2026-11-23 10:00 FirstResponse Breach due 2026-11-23 10:00", scenario.EventLines);
    }

    [Fact]
    public void Refresh_NoPolicy_ClearsDueTimes()
    {
        var scenario = Office().Play("2026-11-23 10:00 open");
        var (state, events) = SlaClock.Refresh(scenario.Conversation.Sla, SlaFacts.Of(scenario.Conversation), null, Cal.Office, Cal.At("2026-11-23 10:01"));

        Assert.Empty(events);
        Assert.Null(state.PolicyId);
        Assert.Null(state.FirstResponseDueAt);
        Assert.Null(state.NextSlaDueAt);
    }

    public static readonly TheoryData<string[], string, SlaClockStatus, SlaClockStatus> Views = new()
    {
        // steps, now, first response, resolution
        { ["2026-11-20 16:59 open"], "2026-11-20 17:00", SlaClockStatus.Running, SlaClockStatus.Running },
        { ["2026-11-20 16:59 open"], "2026-11-20 17:03", SlaClockStatus.AtRisk, SlaClockStatus.Running },
        { ["2026-11-20 16:59 open"], "2026-11-20 17:05", SlaClockStatus.Breached, SlaClockStatus.Running },
        { ["2026-11-20 16:59 open", "2026-11-20 17:01 out"], "2026-11-20 17:05", SlaClockStatus.Met, SlaClockStatus.Running },
        { ["2026-11-20 16:59 open", "2026-11-20 17:06 out"], "2026-11-20 17:06", SlaClockStatus.Breached, SlaClockStatus.Running },
        { ["2026-11-20 16:59 open", "2026-11-20 17:01 pending"], "2026-11-20 17:30", SlaClockStatus.Paused, SlaClockStatus.Paused },
        { ["2026-11-20 16:59 open", "2026-11-20 17:01 out", "2026-11-20 17:30 resolve"], "2026-11-20 17:31", SlaClockStatus.Met, SlaClockStatus.Met },
    };

    [Theory]
    [MemberData(nameof(Views))]
    public void Describe_Steps_ChipStatus(string[] steps, string now, SlaClockStatus first, SlaClockStatus resolution)
    {
        var scenario = Office().Play(steps);

        var views = SlaClock.Describe(scenario.Conversation.Sla, SlaFacts.Of(scenario.Conversation), SlaScenario.Chat(), Cal.Office, Cal.At(now));

        Assert.Equal(first, views.Single(v => v.Metric == SlaMetric.FirstResponse).Status);
        Assert.Equal(resolution, views.Single(v => v.Metric == SlaMetric.Resolution).Status);
    }
}
