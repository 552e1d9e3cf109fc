using System.Globalization;
using Kefu.Core.Calendars;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;
using Kefu.Core.Tests.Calendars;

namespace Kefu.Core.Tests.Sla;

/// <summary>
/// Plays a conversation through the real domain (open, messages, status changes), refreshing the SLA after every
/// write as the server does, and running the worker's <see cref="SlaClock.Advance"/> at "tick" steps.
/// Steps are "yyyy-MM-dd HH:mm verb" in Shanghai time; verbs: open, in, out, note, pending, on_hold, reopen, resolve, tick, priority:high.
/// </summary>
internal sealed class SlaScenario
{
    public static readonly Guid PolicyId = Guid.Parse("0195a3c0-0000-7000-8000-00000000517a");

    public static readonly EscalationLevel Notify = new(TimeSpan.Zero, [new EscalationAction(EscalationActionKind.NotifySupervisor)]);
    public static readonly EscalationLevel Raise = new(TimeSpan.FromMinutes(30), [new EscalationAction(EscalationActionKind.RaisePriority)]);

    /// <summary>Chat: first response 5, next response 5, resolution 480 business minutes; warn at 80%; notify at breach, raise 30 minutes later.</summary>
    public static SlaPolicy Chat(int first = 5, int? next = 5, int? resolution = 480, int warning = 80, Guid? calendarId = null) =>
        SlaPolicy.Create(PolicyId, new SlaPolicyDraft(
            "Chat", 10, true, [Channel.Chat], null, null, null, calendarId,
            new SlaTargets(TimeSpan.FromMinutes(first), next is { } n ? TimeSpan.FromMinutes(n) : null, resolution is { } r ? TimeSpan.FromMinutes(r) : null),
            warning, [Notify, Raise]), Cal.At("2026-01-01 00:00")).Value;

    private readonly SlaPolicy policy;
    private readonly BusinessHours hours;

    public SlaScenario(SlaPolicy policy, BusinessHours hours)
    {
        this.policy = policy;
        this.hours = hours;
    }

    public Conversation Conversation { get; private set; } = null!;

    public List<(string At, SlaEvent Event)> Events { get; } = [];

    public SlaScenario Play(params string[] steps)
    {
        foreach (var step in steps)
        {
            var at = Cal.At(step[..16]);
            var verb = step[17..];
            if (verb == "open")
            {
                Conversation = Conversation.Open(Guid.NewGuid(), 10001, Channel.Chat, "Hi", Guid.NewGuid(), Priority.Normal, null, null, null, null, at).Value;
                Record(at, Conversation.RecordMessage(Message(MessageKind.Inbound, AuthorKind.Customer, at), at).IsOk);
                continue;
            }

            if (verb == "tick")
            {
                var (state, events) = SlaClock.Advance(Conversation.Sla, SlaFacts.Of(Conversation), policy, hours, at);
                Conversation.SetSla(state);
                Events.AddRange(events.Select(e => (step[..16], e)));
                continue;
            }

            var ok = verb switch
            {
                "in" => Conversation.RecordMessage(Message(MessageKind.Inbound, AuthorKind.Customer, at), at).IsOk,
                "out" => Conversation.RecordMessage(Message(MessageKind.Outbound, AuthorKind.Agent, at), at).IsOk,
                "note" => Conversation.RecordMessage(Message(MessageKind.Note, AuthorKind.Agent, at), at).IsOk,
                "pending" => Conversation.Apply(new ConversationPatch(Status: ConversationStatus.Pending), at).IsOk,
                "on_hold" => Conversation.Apply(new ConversationPatch(Status: ConversationStatus.OnHold), at).IsOk,
                "reopen" => Conversation.Apply(new ConversationPatch(Status: ConversationStatus.Open), at).IsOk,
                "resolve" => Conversation.Apply(new ConversationPatch(Status: ConversationStatus.Resolved), at).IsOk,
                _ => throw new ArgumentException(verb),
            };
            Record(at, ok);
        }

        return this;
    }

    public string Due(SlaMetric metric) => Cal.Local(Conversation.Sla.DueAt(metric));

    public string NextSlaDue => Cal.Local(Conversation.NextSlaDueAt);

    public IReadOnlyList<string> EventLines => Events.Select(e => $"{e.At} {e.Event.Metric} {e.Event.Kind}{(e.Event.Level > 0 ? e.Event.Level.ToString(CultureInfo.InvariantCulture) : "")} due {Cal.Local(e.Event.DueAt)}").ToList();

    private void Record(DateTimeOffset at, bool ok)
    {
        Assert.True(ok);
        var (state, events) = SlaClock.Refresh(Conversation.Sla, SlaFacts.Of(Conversation), policy, hours, at);
        Conversation.SetSla(state);
        Events.AddRange(events.Select(e => (Cal.Local(at), e)));
    }

    private Message Message(MessageKind kind, AuthorKind author, DateTimeOffset at) =>
        Kefu.Core.Tickets.Message.Create(Conversation.Id, kind, author, Guid.NewGuid(), "text", null, null, null, at).Value;
}
