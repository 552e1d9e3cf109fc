using System.ComponentModel.DataAnnotations;
using Kefu.Data;
using Kefu.Server.Jobs;

namespace Kefu.Server.Features.Assistant;

/// <summary>Section "Assistant": how the assistant's models are kept fresh.</summary>
public sealed class AssistantOptions
{
    public const string Section = "Assistant";

    /// <summary>How often each node checks whether the knowledge base changed (a one-row query).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the category model learns from agents' categorisations.</summary>
    public TimeSpan CategoryRetrainInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A category is suggested only at or above this confidence.</summary>
    [Range(0, 1)]
    public double MinCategoryConfidence { get; set; } = 0.2;

    /// <summary>At most this many learned examples (agents' corrections) per model.</summary>
    [Range(0, 1_000_000)]
    public int MaxLearnedExamples { get; set; } = 5_000;

    /// <summary>Optional CSV (text,label with negative/neutral/positive) to train the sentiment model at start; without it the shipped lexicon scores sentiment.</summary>
    public string? SentimentTrainingFile { get; set; }
}

public static class AssistantSetup
{
    public static void AddKefuAssistant(this IServiceCollection services)
    {
        services.AddOptions<AssistantOptions>().BindConfiguration(AssistantOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<AssistantModels>();
        services.AddSingleton<AssistantTrainer>();
        services.AddHostedService(sp => sp.GetRequiredService<AssistantTrainer>());
        services.AddJobHandler<AssistantJob>(AssistantJob.Kind);
        BotFlows.FlowLookup.Configure(services);
    }
}

/// <summary>
/// Queues the assistant's work for a customer message in the message's own transaction (a durable job): read its
/// category and sentiment, and let the bot answer when the conversation is a bot-handled chat.
/// </summary>
public static class AssistantOutbox
{
    public sealed record Work(Guid MessageId);

    public static void Queue(KefuDbContext db, Guid conversationId, Guid messageId, DateTimeOffset now) =>
        JobQueue.Enqueue(db, AssistantJob.Kind, new Work(messageId), now, dedupeKey: $"assistant:{messageId:N}", conversationId: conversationId);
}
