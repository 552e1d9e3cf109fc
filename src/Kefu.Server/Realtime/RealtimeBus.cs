using System.Collections.Immutable;
using System.Text.Json;
using Kefu.Server.Infrastructure;
using StackExchange.Redis;

namespace Kefu.Server.Realtime;

/// <summary>
/// Fans events out to the in-process subscribers (Blazor circuits, hubs' helpers) of every node: directly when
/// Kefu runs alone, through a Redis channel when several nodes share Redis.
/// </summary>
public sealed class RealtimeBus : IAsyncDisposable
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("kefu:events");
    private static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    private readonly ILogger<RealtimeBus> log;
    private readonly IConnectionMultiplexer? redis;
    private ImmutableList<Func<KefuEvent, Task>> subscribers = [];
    private ImmutableList<Func<KefuEvent, Task>> originSubscribers = [];

    public RealtimeBus(ILogger<RealtimeBus> log, IConnectionMultiplexer? redis = null)
    {
        this.log = log;
        this.redis = redis;
        redis?.GetSubscriber().Subscribe(Channel, (channel, value) =>
        {
            var evt = JsonSerializer.Deserialize<KefuEvent>((string)value!, JsonOptions);
            if (evt is not null)
            {
                _ = DispatchAsync(subscribers, evt);
            }
        });
    }

    public async Task PublishAsync(KefuEvent evt)
    {
        await DispatchAsync(originSubscribers, evt);
        if (redis is null)
        {
            await DispatchAsync(subscribers, evt);
            return;
        }

        await redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(evt, JsonOptions));
    }

    /// <summary>Subscribes a handler; dispose the result to unsubscribe (Blazor components do so in Dispose).</summary>
    public IDisposable Subscribe(Func<KefuEvent, Task> handler)
    {
        ImmutableInterlocked.Update(ref subscribers, s => s.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref subscribers, s => s.Remove(handler)));
    }

    /// <summary>
    /// Subscribes a handler that sees each event once, on the node that published it (every node's
    /// <see cref="Subscribe"/> handlers see every event). For side effects that must not repeat per node, such as
    /// writing notification rows.
    /// </summary>
    public IDisposable SubscribeOrigin(Func<KefuEvent, Task> handler)
    {
        ImmutableInterlocked.Update(ref originSubscribers, s => s.Add(handler));
        return new Subscription(() => ImmutableInterlocked.Update(ref originSubscribers, s => s.Remove(handler)));
    }

    public ValueTask DisposeAsync()
    {
        redis?.GetSubscriber().Unsubscribe(Channel);
        return ValueTask.CompletedTask;
    }

    private async Task DispatchAsync(ImmutableList<Func<KefuEvent, Task>> handlers, KefuEvent evt)
    {
        foreach (var handler in handlers)
        {
            try
            {
                await handler(evt);
            }
            catch (Exception e)
            {
                // One broken screen must not stop the others from updating.
                log.LogWarning(e, "A realtime subscriber failed on {Event}", evt.GetType().Name);
            }
        }
    }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Json.Configure(options);
        return options;
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        public void Dispose() => dispose();
    }
}
