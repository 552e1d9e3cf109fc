using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Kefu.Bench;

/// <summary>One timed operation as a worker saw it: Stopwatch ticks from before sending to after the last byte.</summary>
public readonly record struct Sample(long Start, long End, string Op, int Status);

/// <summary>Throughput and latency of one operation (or "all") over the measured window.</summary>
public sealed record OpStats(string Op, long Count, long Errors, double PerSecond, double P50Ms, double P90Ms, double P99Ms, double MaxMs, double MeanMs)
{
    /// <summary>
    /// Counts every sample that started inside the window; throughput divides the successful ones by the time from
    /// the window's start to the last of them finishing (requests in flight at the end are waited for, not dropped).
    /// Percentiles are nearest-rank over successful requests only, so fast failures cannot flatter them.
    /// </summary>
    public static OpStats From(string op, IReadOnlyCollection<Sample> samples, long windowStart, long windowEnd)
    {
        var ok = samples.Where(s => s.Status is >= 200 and < 300).Select(s => Ms(s.End - s.Start)).Order().ToArray();
        var lastEnd = samples.Count == 0 ? windowEnd : Math.Max(windowEnd, samples.Max(s => s.End));
        var seconds = (lastEnd - windowStart) / (double)Stopwatch.Frequency;
        return new OpStats(op, samples.Count, samples.Count - ok.Length, ok.Length / seconds,
            Percentile(ok, 50), Percentile(ok, 90), Percentile(ok, 99), ok.Length == 0 ? 0 : ok[^1], ok.Length == 0 ? 0 : ok.Average());
    }

    public static double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>Where the CPU went during the measured window, in CPU-seconds (a 2-core machine has 2 per second).</summary>
public sealed record CpuUse(double WallSeconds, int Cores, double MachineBusy, double Server, double LoadGenerator, double PostgresProcesses)
{
    /// <summary>Everything else that was busy: the kernel's own threads (I/O, network), other tenants of the machine.</summary>
    public double Other => Math.Max(0, MachineBusy - Server - LoadGenerator - PostgresProcesses);
}

public sealed record ErrorSample(string Op, int Status, string Body, double AtSecond);

public sealed record WorkloadResult
{
    public required string Database { get; init; }

    /// <summary>"api" (HTTP through the server) or "raw" (plain ADO.NET inserts: the ceiling).</summary>
    public required string Kind { get; init; }

    public required int Workers { get; init; }

    public required double Seconds { get; init; }

    public required double WarmupSeconds { get; init; }

    /// <summary>API load: how many of the newest conversations the appends are spread over.</summary>
    public int? ActiveConversations { get; init; }

    public required List<OpStats> Ops { get; init; }

    public Dictionary<string, long> StatusCounts { get; init; } = [];

    public List<ErrorSample> ErrorSamples { get; init; } = [];

    public CpuUse? Cpu { get; init; }

    /// <summary>Facts about the database as it ran: version, journal/synchronous mode, synchronous_commit.</summary>
    public Dictionary<string, string> Settings { get; init; } = [];

    public long? ServerRssKb { get; init; }

    public long? ServerPeakRssKb { get; init; }

    /// <summary>Messages the API acknowledged (warm-up included), to compare with the rows found afterwards.</summary>
    public long? AcknowledgedMessages { get; init; }

    public long? MessageRows { get; init; }

    [JsonIgnore]
    public OpStats Overall => Ops.First(o => o.Op == "all");

    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public void Save(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    public static WorkloadResult Load(string path) =>
        JsonSerializer.Deserialize<WorkloadResult>(File.ReadAllText(path), JsonOptions) ?? throw new InvalidDataException(path);
}

/// <summary>CPU counters from /proc (Linux): machine-wide busy time, and a process's user+system time.</summary>
public static class ProcStat
{
    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux we run on

    /// <summary>
    /// Idle and I/O-wait seconds of all CPUs since boot; busy time is the rest of the wall clock (see <see cref="CpuWindow"/>).
    /// The user/system tick counters of /proc/stat cannot be trusted for that on a tickless kernel: work done in short
    /// bursts between ticks is never sampled (on the 2-core VM these benchmarks run on, a server answering SignalR calls
    /// showed a tenth of its own /proc/&lt;pid&gt;/stat time there), whereas idle time is measured exactly.
    /// </summary>
    public static double MachineIdleSeconds()
    {
        if (!File.Exists("/proc/stat"))
        {
            return double.NaN;
        }

        // cpu  user nice system idle iowait irq softirq steal ...
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return (fields[3] + fields[4]) / TicksPerSecond;
    }

    public static double ProcessCpuSeconds(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/stat"))
        {
            return double.NaN;
        }

        // The command name (field 2) may hold spaces; utime and stime are fields 14 and 15.
        var text = File.ReadAllText($"/proc/{pid}/stat");
        var rest = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(rest[11]) + long.Parse(rest[12])) / TicksPerSecond;
    }

    /// <summary>User+system time of every process with this command name (e.g. all PostgreSQL backends).</summary>
    public static double CommandCpuSeconds(string command)
    {
        double total = 0;
        foreach (var dir in Directory.Exists("/proc") ? Directory.EnumerateDirectories("/proc") : [])
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var text = File.ReadAllText($"/proc/{pid}/stat");
                var open = text.IndexOf('(');
                var close = text.LastIndexOf(')');
                if (text[(open + 1)..close] == command)
                {
                    var rest = text[(close + 2)..].Split(' ');
                    total += (long.Parse(rest[11]) + long.Parse(rest[12])) / TicksPerSecond;
                }
            }
            catch (IOException)
            {
                // the process ended meanwhile
            }
        }

        return total;
    }

    /// <summary>False once the process is gone or a zombie (exited, not yet reaped by its parent shell).</summary>
    public static bool IsRunning(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid}/stat");
            return text[text.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>How many file descriptors (sockets included) a process holds; null when /proc does not say.</summary>
    public static int? OpenFiles(int? pid)
    {
        try
        {
            return pid is null ? null : Directory.GetFiles($"/proc/{pid}/fd").Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The "Max open files" soft and hard limits of a process as /proc shows them ("20000 / 20000").</summary>
    public static string? OpenFilesLimit(string pid)
    {
        var path = $"/proc/{pid}/limits";
        var line = File.Exists(path) ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal)) : null;
        var fields = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: >= 2 } ? $"{fields[0]} / {fields[1]}" : null;
    }

    /// <summary>VmRSS and VmHWM (peak) of a process, in KiB.</summary>
    public static (long? Rss, long? Peak) Memory(int? pid)
    {
        if (pid is null || !File.Exists($"/proc/{pid}/status"))
        {
            return (null, null);
        }

        long? Field(string name) => File.ReadLines($"/proc/{pid}/status").Where(l => l.StartsWith(name + ":", StringComparison.Ordinal))
            .Select(l => (long?)long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])).FirstOrDefault();
        return (Field("VmRSS"), Field("VmHWM"));
    }
}

/// <summary>Samples the CPU counters at the start and end of the measured window.</summary>
public sealed class CpuWindow(int? serverPid)
{
    private double wall0, idle0, server0, self0, postgres0;

    public void Start()
    {
        wall0 = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
        idle0 = ProcStat.MachineIdleSeconds();
        server0 = ProcStat.ProcessCpuSeconds(serverPid);
        self0 = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
        postgres0 = ProcStat.CommandCpuSeconds("postgres");
    }

    public CpuUse Stop()
    {
        var wall = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency - wall0;
        var cores = Environment.ProcessorCount;
        return new(
            wall,
            cores,
            Math.Clamp(cores * wall - (ProcStat.MachineIdleSeconds() - idle0), 0, cores * wall),
            serverPid is null ? 0 : ProcStat.ProcessCpuSeconds(serverPid) - server0,
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds - self0,
            Math.Max(0, ProcStat.CommandCpuSeconds("postgres") - postgres0));
    }
}
