using Kefu.Core.Common;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;
using Kefu.Core.Tests.Calendars;
using static Kefu.Core.Sla.CustomerSegment;
using static Kefu.Core.Tickets.Channel;
using static Kefu.Core.Tickets.Priority;

namespace Kefu.Core.Tests.Sla;

public sealed class SlaPolicyTests
{
    private static readonly DateTimeOffset Now = Cal.At("2026-11-20 16:59");
    private static readonly Guid Returns = Guid.Parse("0195a3c0-0000-7000-8000-00000000ca01");
    private static readonly Guid Other = Guid.Parse("0195a3c0-0000-7000-8000-00000000ca02");
    private static readonly SlaTargets Targets = new(TimeSpan.FromMinutes(5), null, null);

    private static SlaPolicy Policy(string name, int position, Channel[]? channels = null, Priority[]? priorities = null, Guid[]? categories = null, CustomerSegment[]? segments = null, bool active = true) =>
        SlaPolicy.Create(Guid.NewGuid(), new SlaPolicyDraft(name, position, active, channels, priorities, categories, segments, null, Targets), Now).Value;

    private static readonly SlaPolicy[] Policies =
    [
        Policy("Off", 0, active: false),
        Policy("Chat", 10, channels: [Chat]),
        Policy("Chat VIP", 10, channels: [Chat], segments: [Vip]),
        Policy("Returns", 30, categories: [Returns]),
        Policy("Email", 50, channels: [Email]),
        Policy("Urgent", 5, priorities: [Urgent]),
        Policy("Fallback", 1000),
    ];

    public static readonly TheoryData<Channel, Priority, Guid?, CustomerSegment, string> Table = new()
    {
        { Chat, Normal, null, New, "Chat" },
        { Chat, Normal, null, Vip, "Chat VIP" },       // same position: the more specific one
        { Chat, Urgent, null, Vip, "Urgent" },         // a lower position wins first
        { Email, Normal, Returns, New, "Returns" },
        { Email, Low, Other, Returning, "Email" },
        { Email, Low, null, Returning, "Email" },
        { Phone, Normal, null, New, "Fallback" },
        { Api, High, Other, Vip, "Fallback" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Match_Subject_FirstByPositionThenMostSpecific(Channel channel, Priority priority, Guid? category, CustomerSegment segment, string expected)
    {
        Assert.Equal(expected, SlaPolicy.Match(Policies, new SlaSubject(channel, priority, category, segment))?.Name);
    }

    [Fact]
    public void Match_NothingMatches_IsNull()
    {
        Assert.Null(SlaPolicy.Match([Policy("Chat", 1, channels: [Chat])], new SlaSubject(Email, Normal, null, New)));
    }

    [Theory]
    [InlineData(new[] { "VIP" }, false, Vip)]
    [InlineData(new[] { "vip", "b2b" }, true, Vip)]
    [InlineData(new string[0], true, Returning)]
    [InlineData(new[] { "b2b" }, false, New)]
    public void Segment_Of_VipBeforeReturningBeforeNew(string[] tags, bool earlier, CustomerSegment expected)
    {
        Assert.Equal(expected, CustomerSegments.Of(tags, earlier));
    }

    public static readonly TheoryData<SlaPolicyDraft, string> InvalidDrafts = new()
    {
        { new SlaPolicyDraft("", 1, true, null, null, null, null, null, Targets), "name" },
        { new SlaPolicyDraft("x", -1, true, null, null, null, null, null, Targets), "position" },
        { new SlaPolicyDraft("x", 1, true, null, null, null, null, null, null), "targets" },
        { new SlaPolicyDraft("x", 1, true, null, null, null, null, null, new SlaTargets(null, null, null)), "targets" },
        { new SlaPolicyDraft("x", 1, true, null, null, null, null, null, new SlaTargets(TimeSpan.FromMinutes(-1), null, null)), "targets.firstResponseMinutes" },
        { new SlaPolicyDraft("x", 1, true, null, null, null, null, null, new SlaTargets(null, TimeSpan.FromSeconds(30), null)), "targets.nextResponseMinutes" },
        { new SlaPolicyDraft("x", 1, true, null, null, null, null, null, Targets, 100), "warningPercent" },
        { new SlaPolicyDraft("x", 1, true, [(Channel)42], null, null, null, null, Targets), "channels[0]" },
        { new SlaPolicyDraft("x", 1, true, null, null, null, null, null, Targets, 80, [new EscalationLevel(TimeSpan.Zero, [])]), "escalations[0].actions" },
        { new SlaPolicyDraft("x", 1, true, null, null, null, null, null, Targets, 80, [new EscalationLevel(TimeSpan.Zero, [new EscalationAction(EscalationActionKind.Reassign)])]), "escalations[0].actions[0]" },
        { new SlaPolicyDraft("x", 1, true, null, null, null, null, null, Targets, 80, [new EscalationLevel(TimeSpan.Zero, [new EscalationAction(EscalationActionKind.RunRule)])]), "escalations[0].actions[0]" },
        { new SlaPolicyDraft("x", 1, true, null, null, null, null, null, Targets, 80, [new EscalationLevel(TimeSpan.FromMinutes(-5), [new EscalationAction(EscalationActionKind.NotifySupervisor)])]), "escalations[0].afterBreachMinutes" },
    };

    [Theory]
    [MemberData(nameof(InvalidDrafts))]
    public void Create_InvalidDraft_NamesTheField(SlaPolicyDraft draft, string field)
    {
        var error = Assert.IsType<Invalid>(SlaPolicy.Create(Guid.NewGuid(), draft, Now).Error);

        Assert.Contains(field, error.Fields.Keys);
    }

    [Fact]
    public void Create_Escalations_AreOrderedByDelay()
    {
        var late = new EscalationLevel(TimeSpan.FromMinutes(60), [new EscalationAction(EscalationActionKind.RaisePriority)]);
        var early = new EscalationLevel(TimeSpan.Zero, [new EscalationAction(EscalationActionKind.NotifySupervisor)]);

        var policy = SlaPolicy.Create(Guid.NewGuid(), new SlaPolicyDraft("x", 1, true, null, null, null, null, null, Targets, 80, [late, early]), Now).Value;

        Assert.Equal([early, late], policy.Escalations);
    }

    public static readonly TheoryData<Channel, Guid?, string, int> Defaults = new()
    {
        // PRODUCT.md §3: chat 5 minutes, phone immediately, return/exchange 1 hour, technical support 24 hours, e-mail 24 hours.
        { Chat, null, "Live chat", 5 },
        { Chat, Returns, "Live chat", 5 },
        { Phone, null, "Phone", 0 },
        { Email, Returns, "E-commerce return / exchange", 60 },
        { Email, Other, "B2B technical support (initial plan)", 24 * 60 },
        { Email, null, "E-mail", 24 * 60 },
        { Api, null, "Everything else", 24 * 60 },
    };

    [Theory]
    [MemberData(nameof(Defaults))]
    public void Defaults_MatchProductTargets(Channel channel, Guid? category, string name, int firstResponseMinutes)
    {
        var policies = SlaDefaults.Drafts(key => key switch { "return_exchange" => Returns, "technical_support" => Other, _ => null })
            .Select(d => SlaPolicy.Create(Guid.NewGuid(), d, Now).Value)
            .ToList();

        var policy = SlaPolicy.Match(policies, new SlaSubject(channel, Normal, category, New));

        Assert.Equal(name, policy?.Name);
        Assert.Equal(TimeSpan.FromMinutes(firstResponseMinutes), policy!.Targets.FirstResponse);
    }
}
