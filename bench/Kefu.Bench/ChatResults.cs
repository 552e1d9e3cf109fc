using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kefu.Bench;

/// <summary>Nearest-rank percentiles of one set of latencies, in milliseconds.</summary>
public sealed record Latency(long Count, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static readonly Latency None = new(0, 0, 0, 0, 0, 0);

    public static Latency From(IEnumerable<double> milliseconds)
    {
        var sorted = milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return None;
        }

        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Latency(sorted.Length, At(50), At(90), At(99), sorted[^1], sorted.Average());
    }
}

/// <summary>
/// One step of the open-loop load on one hub ("kefu" or "echo"): messages offered at a fixed rate for a fixed time,
/// half from visitors to agents and half back, then a drain while the last ones arrive.
/// </summary>
public sealed record ChatStep
{
    public required string Hub { get; init; }

    /// <summary>"step" (the rising rates), "held" (while the connections are held).</summary>
    public required string Kind { get; init; }

    public required double OfferedPerSecond { get; init; }

    public required double Seconds { get; init; }

    public required long Sent { get; init; }

    /// <summary>Sends the server answered (the message is stored, for Kefu) within the step and its drain.</summary>
    public required long Acknowledged { get; init; }

    /// <summary>Messages the other side received within the step and its drain.</summary>
    public required long Delivered { get; init; }

    /// <summary>Sends the server refused or that failed (a hub error, a closed connection).</summary>
    public required long SendErrors { get; init; }

    /// <summary>Sends neither failed nor delivered by the end of the drain.</summary>
    public required long NotDelivered { get; init; }

    /// <summary>Delivered after the drain (still counted as not delivered in time).</summary>
    public long Late { get; set; }

    /// <summary>The same message arriving twice at the other side: must be 0.</summary>
    public long Duplicates { get; set; }

    /// <summary>Delivered messages per second, from the step's start to the last delivery (at least the step's length).</summary>
    public required double DeliveredPerSecond { get; init; }

    public required Latency Delivery { get; init; }

    public required Latency VisitorToAgent { get; init; }

    public required Latency AgentToVisitor { get; init; }

    /// <summary>The sender's round trip (for Kefu: the message is stored and pushed before the hub method returns).</summary>
    public required Latency Ack { get; init; }

    /// <summary>How late the generator sent against the open-loop schedule (it shares the machine's cores).</summary>
    public required Latency ScheduleLag { get; init; }

    public CpuUse? Cpu { get; init; }

    public long? ServerRssKb { get; init; }

    /// <summary>Server CPU (cores) in a pause after the step, with nothing sent: background work the step left behind.</summary>
    public double? ServerCoresAfter { get; set; }

    /// <summary>The step ended the ramp for this hub: too many not delivered in time or too slow.</summary>
    public bool Saturated { get; init; }

    public List<string> ErrorSamples { get; init; } = [];
}

/// <summary>One batch of the connection ramp: visitors connected to /hubs/visitor and Started.</summary>
public sealed record ConnectBatch(int Visitors, int Attempted, int Failed, double ElapsedSeconds, double BatchSeconds, long? ServerRssKb, int? ServerFds, long? GeneratorRssKb, int GeneratorFds, double ServerCpuSeconds);

public sealed record ConnectionsResult
{
    public required int Target { get; init; }

    public required int ConnectConcurrency { get; init; }

    /// <summary>Visitors connected and Started at the end of the ramp (the chat phase's visitors included).</summary>
    public required int Connected { get; init; }

    public required int Failed { get; init; }

    /// <summary>Why the ramp stopped before the target, if it did.</summary>
    public string? StoppedBecause { get; init; }

    public required double Seconds { get; init; }

    public required List<ConnectBatch> Batches { get; init; }

    /// <summary>Messages flowing between the chat phase's visitors and agents while all the connections are held.</summary>
    public ChatStep? Held { get; init; }

    /// <summary>Connections the server (or the network) closed while they were held: must be 0.</summary>
    public required int Dropped { get; init; }

    /// <summary>Server CPU (cores) while holding every connection with no messages: keep-alive pings and timers.</summary>
    public double? IdleServerCores { get; init; }

    public long? ServerRssBeforeKb { get; init; }

    public long? ServerRssHeldKb { get; init; }

    public List<string> ErrorSamples { get; init; } = [];
}

/// <summary>Setup and per-process facts of the chat run.</summary>
public sealed record ChatResult
{
    public required int Visitors { get; init; }

    public required int Agents { get; init; }

    public required List<double> Rates { get; init; }

    public required double StepSeconds { get; init; }

    public required double WarmupSeconds { get; init; }

    public required double DrainSeconds { get; init; }

    public required double SetupSeconds { get; init; }

    public required List<ChatStep> Steps { get; init; }

    public ConnectionsResult? Connections { get; init; }

    /// <summary>Kefu messages the hubs acknowledged (first messages, warm-up and held flow included), to compare with the rows stored.</summary>
    public required long KefuAcknowledged { get; init; }

    public long? MessageRows { get; set; }

    /// <summary>"fail:" entries in the server's log while it served, and the first of them.</summary>
    public int? ServerFailures { get; set; }

    public List<string> ServerFailureSamples { get; set; } = [];

    /// <summary>Connections closed by the server or the network while the load generator still used them: must be 0.</summary>
    public required int Dropped { get; init; }

    public List<string> DropSamples { get; init; } = [];

    public long? ServerIdleRssKb { get; init; }

    public long? ServerPeakRssKb { get; init; }

    public string? ServerOpenFilesLimit { get; init; }

    public string? GeneratorOpenFilesLimit { get; init; }

    public double TotalSeconds { get; init; }

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    public static ChatResult Load(string path) =>
        JsonSerializer.Deserialize<ChatResult>(File.ReadAllText(path), JsonOptions) ?? throw new InvalidDataException(path);
}
