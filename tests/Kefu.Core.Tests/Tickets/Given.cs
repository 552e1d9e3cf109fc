using Kefu.Core.Tickets;

namespace Kefu.Core.Tests.Tickets;

/// <summary>Literal starting points for conversation tests. Set-up happens an hour before <see cref="Now"/>.</summary>
internal static class Given
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 59, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Earlier = Now.AddHours(-1);
    public static readonly Guid CustomerId = Guid.Parse("0195a3c0-0000-7000-8000-00000000c001");
    public static readonly Guid AgentId = Guid.Parse("0195a3c0-0000-7000-8000-00000000a001");
    public static readonly Guid TeamId = Guid.Parse("0195a3c0-0000-7000-8000-00000000f001");
    public static readonly Guid CategoryId = Guid.Parse("0195a3c0-0000-7000-8000-00000000ca01");

    public static Guid ConversationId(long number) => Guid.Parse($"0195a3c0-0000-7000-8000-{number:D12}");

    public static Conversation OpenConversation(long number = 10001, IReadOnlyList<string>? tags = null) =>
        Conversation.Open(ConversationId(number), number, Channel.Chat, "Where is my order?", CustomerId, Priority.Normal, null, tags, null, null, Earlier).Value;

    /// <summary>A conversation brought to <paramref name="status"/> through allowed transitions, all at <see cref="Earlier"/>.</summary>
    public static Conversation ConversationIn(ConversationStatus status, long number = 10001, IReadOnlyList<string>? tags = null)
    {
        var conversation = OpenConversation(number, tags);
        ConversationStatus[] path = status switch
        {
            ConversationStatus.New => [],
            ConversationStatus.Open or ConversationStatus.Pending or ConversationStatus.OnHold or ConversationStatus.Resolved => [status],
            ConversationStatus.Closed => [ConversationStatus.Resolved, ConversationStatus.Closed],
        };
        foreach (var step in path)
        {
            var result = conversation.Apply(new ConversationPatch(Status: step), Earlier);
            Assert.True(result.IsOk, result.Error?.ToString());
        }

        Assert.Equal(status, conversation.Status);
        return conversation;
    }

    public static Message NewMessage(MessageKind kind, AuthorKind author, long conversationNumber = 10001, string text = "Hello") =>
        Message.Create(ConversationId(conversationNumber), kind, author, author == AuthorKind.Customer ? CustomerId : AgentId, text, null, null, null, Now).Value;
}
