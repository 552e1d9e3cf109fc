using System.Text.Json.Serialization;
using Kefu.Core.Agents;
using Kefu.Server.Features.Conversations;

namespace Kefu.Server.Realtime;

/// <summary>
/// Something that happened, for screens to update live. Events are published right after the change is saved;
/// nothing durable depends on them (a missed event only means a screen refreshes later).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(MessageCreated), "message.created")]
[JsonDerivedType(typeof(ConversationChanged), "conversation.changed")]
[JsonDerivedType(typeof(TypingChanged), "typing")]
[JsonDerivedType(typeof(ViewingChanged), "viewing")]
[JsonDerivedType(typeof(PresenceChanged), "presence")]
[JsonDerivedType(typeof(NotificationCreated), "notification")]
[JsonDerivedType(typeof(ReadChanged), "read")]
[JsonDerivedType(typeof(QueueChanged), "queue")]
[JsonDerivedType(typeof(MessageAnalysed), "message.analysed")]
public abstract record KefuEvent;

public sealed record MessageCreated(ConversationDto Conversation, MessageDto Message) : KefuEvent;

public sealed record ConversationChanged(ConversationDto Conversation) : KefuEvent;

/// <summary>Someone is typing in a conversation: the customer (AgentId null) or an agent.</summary>
public sealed record TypingChanged(Guid ConversationId, Guid? AgentId, string Name, bool Typing) : KefuEvent;

/// <summary>An agent opened or left a conversation (collision detection). Hello asks others to announce themselves.</summary>
public sealed record ViewingChanged(Guid ConversationId, Guid AgentId, string Name, bool Viewing, bool Hello) : KefuEvent;

public sealed record PresenceChanged(Guid AgentId, string Name, Presence Presence) : KefuEvent;

public sealed record NotificationCreated(Guid AgentId, Guid NotificationId, string Kind, Guid ConversationId, long Number, string ActorName, string Preview) : KefuEvent;

/// <summary>The customer (ByVisitor) or an agent has read the conversation up to a time.</summary>
public sealed record ReadChanged(Guid ConversationId, bool ByVisitor, DateTimeOffset UpTo) : KefuEvent;

/// <summary>The chat queue of an inbox moved: waiting visitors recompute their position.</summary>
public sealed record QueueChanged(Guid? InboxId) : KefuEvent;

/// <summary>The assistant read a customer message (suggested category, sentiment).</summary>
public sealed record MessageAnalysed(Guid ConversationId, Guid MessageId, MessageInsight Insight) : KefuEvent;
