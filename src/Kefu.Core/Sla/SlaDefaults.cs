using Kefu.Core.Tickets;

namespace Kefu.Core.Sla;

/// <summary>
/// The starting policies of PRODUCT.md §3: live chat first response 5 minutes, phone immediately, e-commerce
/// return/exchange 1 hour, B2B technical support an initial plan within 24 hours, e-mail 24 hours; next-response and
/// resolution targets are Kefu's own starting points. Admins edit them; they are data, not code paths.
/// </summary>
public static class SlaDefaults
{
    public static IReadOnlyList<SlaPolicyDraft> Drafts(Func<string, Guid?> categoryByKey)
    {
        static SlaTargets T(int? first, int? next, int? resolution) =>
            new(Min(first), Min(next), Min(resolution));

        static TimeSpan? Min(int? minutes) => minutes is { } m ? TimeSpan.FromMinutes(m) : null;

        IReadOnlyList<Guid> Category(string key) => categoryByKey(key) is { } id ? [id] : [];

        var notify = new EscalationLevel(TimeSpan.Zero, [new EscalationAction(EscalationActionKind.NotifySupervisor)]);
        var raise = new EscalationLevel(TimeSpan.FromMinutes(30), [new EscalationAction(EscalationActionKind.RaisePriority), new EscalationAction(EscalationActionKind.NotifySupervisor)]);
        var drafts = new List<SlaPolicyDraft>
        {
            new("Live chat", 10, true, [Channel.Chat], null, null, null, null, T(5, 5, 8 * 60), Escalations: [notify, raise]),
            new("Phone", 20, true, [Channel.Phone], null, null, null, null, T(0, 60, 24 * 60), Escalations: [notify]),
        };

        if (Category("return_exchange") is { Count: > 0 } returns)
        {
            drafts.Add(new("E-commerce return / exchange", 30, true, null, null, returns, null, null, T(60, 4 * 60, 3 * 24 * 60), Escalations: [notify, raise]));
        }

        if (Category("technical_support") is { Count: > 0 } technical)
        {
            drafts.Add(new("B2B technical support (initial plan)", 40, true, null, null, technical, null, null, T(24 * 60, 24 * 60, 5 * 24 * 60), Escalations: [notify]));
        }

        drafts.Add(new("E-mail", 50, true, [Channel.Email], null, null, null, null, T(24 * 60, 24 * 60, 5 * 24 * 60), Escalations: [notify]));
        drafts.Add(new("Everything else", 1000, true, null, null, null, null, null, T(24 * 60, 24 * 60, 5 * 24 * 60), Escalations: [notify]));
        return drafts;
    }
}
