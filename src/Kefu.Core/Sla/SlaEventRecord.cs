namespace Kefu.Core.Sla;

/// <summary>
/// A warning, breach or escalation as stored: written once (unique on conversation, metric, cycle, kind and level),
/// the history of a conversation's SLA and the input of compliance reports.
/// </summary>
public sealed class SlaEventRecord
{
    private SlaEventRecord()
    {
    }

    public Guid Id { get; private set; }

    public Guid ConversationId { get; private set; }

    public Guid? PolicyId { get; private set; }

    public SlaMetric Metric { get; private set; }

    public int Cycle { get; private set; }

    public SlaEventKind Kind { get; private set; }

    public int Level { get; private set; }

    public DateTimeOffset DueAt { get; private set; }

    /// <summary>When it was due to happen.</summary>
    public DateTimeOffset At { get; private set; }

    /// <summary>When Kefu noticed and wrote it (later than <see cref="At"/> when the worker was behind).</summary>
    public DateTimeOffset RecordedAt { get; private set; }

    public static SlaEventRecord From(Guid conversationId, Guid? policyId, SlaEvent e, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        ConversationId = conversationId,
        PolicyId = policyId,
        Metric = e.Metric,
        Cycle = e.Cycle,
        Kind = e.Kind,
        Level = e.Level,
        DueAt = e.DueAt,
        At = e.At,
        RecordedAt = now,
    };
}
