using Kefu.Core.Calendars;
using Kefu.Core.Tickets;

namespace Kefu.Core.Routing;

public enum OfferOutcome
{
    Pending,
    Answered,
    TimedOut,
    Declined,
    Withdrawn,
}

/// <summary>One offer of a conversation to an agent; the list of them is the offer history shown on the conversation.</summary>
public sealed record RoutingOffer(Guid AgentId, Guid? TeamId, RoutingReason Reason, DateTimeOffset OfferedAt, DateTimeOffset? ExpiresAt, OfferOutcome Outcome = OfferOutcome.Pending, DateTimeOffset? EndedAt = null);

/// <summary>First-response timeouts per channel, in business time; a channel without one is never re-offered. Default: chat 2 minutes.</summary>
public sealed record ReofferSettings(IReadOnlyDictionary<Channel, TimeSpan> Timeouts)
{
    public static readonly ReofferSettings Default = new(new Dictionary<Channel, TimeSpan> { [Channel.Chat] = TimeSpan.FromMinutes(2) });

    public TimeSpan? For(Channel channel) => Timeouts.TryGetValue(channel, out var timeout) ? timeout : null;
}

/// <summary>What to do when an offer ran out: the history with the offer closed, and who may not get it again.</summary>
public sealed record Reoffer(IReadOnlyList<RoutingOffer> Offers, IReadOnlyCollection<Guid> Excluded, Guid TimedOutAgentId, bool NotifySupervisor);

/// <summary>
/// The first-response timeout: an assigned agent who has not answered within N business minutes loses the
/// conversation to the next eligible agent (routing with the earlier agents excluded) and the supervisor is told.
/// </summary>
public static class FirstResponseTimeout
{
    public const int MaxOffers = 50;

    public static RoutingOffer Offer(RoutingDecision decision, Channel channel, ReofferSettings settings, BusinessHours hours, DateTimeOffset now) =>
        new(decision.AgentId ?? throw new ArgumentException("A queued decision is not an offer.", nameof(decision)), decision.TeamId, decision.Reason, now,
            settings.For(channel) is { } timeout ? hours.Add(now, timeout) : null);

    /// <summary>The pending offer's deadline (for the due column the worker scans); null when nothing is pending.</summary>
    public static DateTimeOffset? DueAt(IReadOnlyList<RoutingOffer> offers) =>
        offers.Count > 0 && offers[^1].Outcome == OfferOutcome.Pending ? offers[^1].ExpiresAt : null;

    /// <summary>Closes the pending offer when the agent answered.</summary>
    public static IReadOnlyList<RoutingOffer> Answered(IReadOnlyList<RoutingOffer> offers, DateTimeOffset at) =>
        Close(offers, OfferOutcome.Answered, at);

    /// <summary>Closes the pending offer when the assignment changed by hand or the conversation left the queue.</summary>
    public static IReadOnlyList<RoutingOffer> Withdrawn(IReadOnlyList<RoutingOffer> offers, DateTimeOffset at) =>
        Close(offers, OfferOutcome.Withdrawn, at);

    /// <summary>Null while the pending offer still runs (or was answered); otherwise the re-offer to make.</summary>
    public static Reoffer? Check(IReadOnlyList<RoutingOffer> offers, DateTimeOffset? firstResponseAt, DateTimeOffset now)
    {
        if (offers.Count == 0 || offers[^1] is not { Outcome: OfferOutcome.Pending, ExpiresAt: { } expires } pending || firstResponseAt is not null || now < expires)
        {
            return null;
        }

        var closed = Close(offers, OfferOutcome.TimedOut, expires);
        return new Reoffer(closed, closed.Select(o => o.AgentId).ToHashSet(), pending.AgentId, NotifySupervisor: true);
    }

    private static IReadOnlyList<RoutingOffer> Close(IReadOnlyList<RoutingOffer> offers, OfferOutcome outcome, DateTimeOffset at)
    {
        if (offers.Count == 0 || offers[^1].Outcome != OfferOutcome.Pending)
        {
            return offers;
        }

        return [.. offers.Take(offers.Count - 1), offers[^1] with { Outcome = outcome, EndedAt = at }];
    }
}
