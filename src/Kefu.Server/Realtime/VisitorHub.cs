using Kefu.Core.Channels.Chat;
using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Chat;
using Kefu.Server.Features.Conversations;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Realtime;

/// <summary>What a visitor's widget sees of a message: never notes, never agents' ids.</summary>
public sealed record VisitorMessage(Guid Id, string From, string Text, string? Html, IReadOnlyList<Attachment> Attachments, string? ClientMessageId, DateTimeOffset CreatedAt,
    IReadOnlyList<string>? QuickReplies = null);

/// <summary>The visitor's chat as the widget shows it. Number and status are null until the first message.</summary>
public sealed record VisitorSession(string VisitorId, bool Verified, string? Name, long? Number, string? Status, DateTimeOffset? AgentReadAt, DateTimeOffset? VisitorReadAt);

/// <summary>
/// Everything the widget needs after (re)connecting. Keep <see cref="Token"/> (it is the visitor) and use
/// <see cref="FileToken"/> as `vt` to show the chat's files.
/// </summary>
public sealed record VisitorStart(
    string Token, string FileToken, VisitorSession Session, IReadOnlyList<VisitorMessage> History, string Title, string Greeting, string Language,
    bool Online, QueueInfo? Queue);

/// <summary>
/// The customer side of live chat, used by the embeddable widget. A connection speaks for one visitor (from its
/// token, or new); every method works on that visitor's own chat session, so there is no way to name — let alone
/// read or write — another conversation. Messages are stored before a method returns; retries with the same
/// client message id return the stored message.
/// </summary>
public sealed class VisitorHub(
    IDbContextFactory<KefuDbContext> dbs, RealtimePublisher realtime, TimeProvider clock, VisitorTokens tokens, ILogger<VisitorHub> log) : Hub
{
    private const string VisitorKey = "visitor";
    private const string ContextKey = "context";
    private const string ConversationKey = "conversation";
    private const string NameKey = "name";
    private const string TypingKey = "typing";

    /// <summary>Sends of one visitor are serialised (per node), so two tabs cannot open two conversations at once.</summary>
    private static readonly SemaphoreSlim[] Locks = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public static string ConversationGroup(Guid conversationId) => $"visitor:{conversationId}";

    /// <summary>Every tab of one visitor (to tell the others when a new conversation starts).</summary>
    public static string VisitorGroup(VisitorRef visitor) => $"visitor:{visitor.InboxId:N}:{visitor.VisitorId}";

    /// <summary>Every widget of an inbox (agents coming online or going offline).</summary>
    public static string InboxGroup(Guid inboxId) => $"inbox:{inboxId:N}";

    public static VisitorMessage ToVisitor(MessageDto m) => new(
        m.Id,
        m.AuthorKind switch
        {
            AuthorKind.Customer => "visitor",
            AuthorKind.Agent => "agent",
            AuthorKind.Bot => "bot",
            AuthorKind.System => "system",
        },
        m.Text, m.Html, m.Attachments, m.AuthorKind == AuthorKind.Customer ? ChatCommands.VisitorClientId(m.ClientMessageId) : null, m.CreatedAt, m.QuickReplies);

    /// <summary>
    /// Starts (or resumes) the chat: the token names the visitor (none: a new visitor). A signed identity links the
    /// chat to the website's user; the pre-chat form names the visitor. Call again after reconnecting or identifying.
    /// </summary>
    public async Task<VisitorStart> Start(string inboxId, string? token, VisitorContext? context, IdentityClaim? identity, PreChat? form)
    {
        var ct = Context.ConnectionAborted;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var inbox = await ActiveInboxAsync(db, Guid.TryParse(inboxId, out var id) ? id : Guid.Empty);
        if (!WidgetCors.Allows(inbox, Context.GetHttpContext()?.Request))
        {
            throw new HubException("not_allowed: this chat cannot be embedded on this website.");
        }

        var fromToken = token is null ? null : tokens.Read(token) ?? throw new HubException("invalid_token: the visitor token is not valid.");
        var connection = Item<VisitorRef>(VisitorKey) ?? VisitorAuthentication.Visitor(Context.User);
        if (connection is not null && fromToken is not null && fromToken != connection)
        {
            throw new HubException("invalid_token: this connection belongs to another visitor; reconnect with your own token.");
        }

        var visitor = connection ?? fromToken ?? new VisitorRef(inbox.Id, VisitorTokens.NewVisitorId());
        if (visitor.InboxId != inbox.Id)
        {
            throw new HubException("invalid_token: the visitor token belongs to another chat.");
        }

        var seen = Enrich(context);
        Context.Items[ContextKey] = seen;
        var now = clock.GetUtcNow();
        if (identity is not null)
        {
            visitor = (await ChatCommands.IdentifyAsync(db, inbox, visitor, identity, seen, now, log, ct)).Visitor;
        }

        if (form is not null)
        {
            var introduced = await ChatCommands.IntroduceAsync(db, inbox, visitor, form, seen, now, ct);
            if (!introduced.IsOk)
            {
                throw Failure(introduced.Error!);
            }
        }

        db.ChangeTracker.Clear();
        var session = await ChatCommands.FindSessionAsync(db, visitor, ct);
        if (session is not null)
        {
            session.Seen(seen, now);
            await ChatCommands.FollowMergeAsync(db, session, ct);
            await db.SaveChangesAsync(ct);
        }

        if (connection is not null && connection != visitor)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, VisitorGroup(connection), ct);
        }

        Context.Items[VisitorKey] = visitor;
        await Groups.AddToGroupAsync(Context.ConnectionId, VisitorGroup(visitor), ct);
        await Groups.AddToGroupAsync(Context.ConnectionId, InboxGroup(inbox.Id), ct);
        await JoinAsync(session?.ConversationId);
        return await DescribeAsync(db, inbox, visitor, session, seen, now, ct);
    }

    /// <summary>Sends a message; it is stored (and the conversation opened if needed) before this returns.</summary>
    public async Task<VisitorMessage> Send(string clientMessageId, string? text, IReadOnlyList<Attachment>? attachments)
    {
        var visitor = Visitor();
        var ct = Context.ConnectionAborted;
        var gate = Locks[(int)((uint)StringComparer.Ordinal.GetHashCode(visitor.VisitorId) % Locks.Length)];
        await gate.WaitAsync(ct);
        SentMessage sent;
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var inbox = await ActiveInboxAsync(db, visitor.InboxId);
            var result = await ChatCommands.SendAsync(db, inbox, visitor, Item<VisitorContext>(ContextKey), clientMessageId, text, attachments, clock.GetUtcNow(), ct);
            if (!result.IsOk)
            {
                throw Failure(result.Error!);
            }

            sent = result.Value;
        }
        finally
        {
            gate.Release();
        }

        if (Item<Guid?>(ConversationKey) != sent.Conversation.Id)
        {
            await JoinAsync(sent.Conversation.Id);
            // Other tabs of this visitor are not in the new conversation's group yet: they start again.
            await Clients.GroupExcept(VisitorGroup(visitor), Context.ConnectionId).SendAsync("resync", ct);
        }

        if (sent.Created)
        {
            await realtime.MessageCreatedAsync(sent.Conversation, sent.Message);
            if (sent.NewConversation)
            {
                await realtime.PublishAsync(new QueueChanged(visitor.InboxId));
            }
        }

        Context.Items[TypingKey] = false;
        return ToVisitor(sent.Message);
    }

    /// <summary>The visitor is (or stopped) typing; agents see it live. The widget throttles.</summary>
    public async Task Typing(bool typing)
    {
        Visitor();
        if (Item<Guid?>(ConversationKey) is { } conversationId)
        {
            Context.Items[TypingKey] = typing;
            await realtime.TypingAsync(new TypingChanged(conversationId, null, Item<string>(NameKey) ?? "", typing));
        }
    }

    /// <summary>The visitor has seen the chat up to this time (an agent message's createdAt).</summary>
    public async Task Read(DateTimeOffset upTo)
    {
        var visitor = Visitor();
        var ct = Context.ConnectionAborted;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var session = await ChatCommands.FindSessionAsync(db, visitor, ct);
        if (session?.ConversationId is not { } conversationId)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var at = upTo > now ? now : upTo;
        if (session.VisitorReadAt is { } before && before >= at)
        {
            return;
        }

        session.VisitorRead(at);
        await db.SaveChangesAsync(ct);
        await realtime.ReadAsync(new ReadChanged(conversationId, true, at));
    }

    /// <summary>The visitor moved to another page (single-page sites); recorded on the session's trail.</summary>
    public async Task Page(VisitorContext context)
    {
        var visitor = Visitor();
        var seen = Enrich(context);
        Context.Items[ContextKey] = seen;
        var ct = Context.ConnectionAborted;
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await ChatCommands.FindSessionAsync(db, visitor, ct) is { } session)
        {
            session.Seen(seen, clock.GetUtcNow());
            await db.SaveChangesAsync(ct);
        }
    }

    /// <summary>The pre-chat form: the visitor's name and e-mail.</summary>
    public async Task<VisitorSession> Introduce(PreChat form)
    {
        var visitor = Visitor();
        var ct = Context.ConnectionAborted;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var inbox = await ActiveInboxAsync(db, visitor.InboxId);
        var result = await ChatCommands.IntroduceAsync(db, inbox, visitor, form, Item<VisitorContext>(ContextKey), clock.GetUtcNow(), ct);
        if (!result.IsOk)
        {
            throw Failure(result.Error!);
        }

        db.ChangeTracker.Clear();
        var session = await ChatCommands.FindSessionAsync(db, visitor, ct);
        return await SessionAsync(db, visitor, session, ct);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        // A closed tab stops typing.
        if (Item<bool?>(TypingKey) == true && Item<Guid?>(ConversationKey) is { } conversationId)
        {
            await realtime.TypingAsync(new TypingChanged(conversationId, null, Item<string>(NameKey) ?? "", false));
        }

        await base.OnDisconnectedAsync(exception);
    }

    private VisitorRef Visitor() => Item<VisitorRef>(VisitorKey) ?? throw new HubException("not_started: call Start first.");

    private T? Item<T>(string key) => Context.Items.TryGetValue(key, out var value) && value is T typed ? typed : default;

    private async Task<ChatInbox> ActiveInboxAsync(KefuDbContext db, Guid inboxId) =>
        await db.ChatInboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == inboxId && i.IsActive, Context.ConnectionAborted)
        ?? throw new HubException("not_available: this chat is not available.");

    private async Task JoinAsync(Guid? conversationId)
    {
        var previous = Item<Guid?>(ConversationKey);
        if (previous == conversationId)
        {
            return;
        }

        if (previous is { } old)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, ConversationGroup(old));
        }

        if (conversationId is { } id)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, ConversationGroup(id));
        }

        Context.Items[ConversationKey] = conversationId;
    }

    /// <summary>The page's own report, with what only the server can know: the address and the browser.</summary>
    private VisitorContext Enrich(VisitorContext? context)
    {
        var http = Context.GetHttpContext();
        return new VisitorContext(
            context?.Url, context?.Title, context?.Referrer, context?.Language,
            http?.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent : context?.UserAgent,
            http?.Connection.RemoteIpAddress?.ToString());
    }

    private async Task<VisitorStart> DescribeAsync(
        KefuDbContext db, ChatInbox inbox, VisitorRef visitor, ChatSession? session, VisitorContext context, DateTimeOffset now, CancellationToken ct)
    {
        var language = inbox.Languages.Contains(context.Language ?? "") ? context.Language!
            : ChatInbox.IsChinese(context.Language) && inbox.Languages.Contains("zh-CN") ? "zh-CN"
            : inbox.Languages.FirstOrDefault() ?? "en";
        var history = new List<VisitorMessage>();
        if (session?.ConversationId is { } conversationId)
        {
            var messages = await db.Messages.AsNoTracking()
                .Where(m => m.ConversationId == conversationId && m.Kind != MessageKind.Note)
                .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(ChatCommands.HistoryLimit).ToListAsync(ct);
            history = messages.AsEnumerable().Reverse().Select(m => ToVisitor(MessageDto.From(m))).ToList();
        }

        var online = await ChatQueries.AgentsOnlineAsync(db, inbox, now, ct) > 0;
        var queue = await ChatQueries.QueueOfAsync(db, inbox, session?.ConversationId, now, ct);
        return new VisitorStart(
            tokens.Issue(visitor), tokens.IssueFileToken(visitor), await SessionAsync(db, visitor, session, ct), history,
            inbox.Title(language), inbox.Greeting(language), language, online, queue);
    }

    private async Task<VisitorSession> SessionAsync(KefuDbContext db, VisitorRef visitor, ChatSession? session, CancellationToken ct)
    {
        if (session is null)
        {
            return new VisitorSession(visitor.VisitorId, false, null, null, null, null, null);
        }

        var customer = await db.Customers.AsNoTracking().Where(c => c.Id == session.CustomerId).Select(c => c.Name).FirstOrDefaultAsync(ct);
        var conversation = session.ConversationId is { } id
            ? await db.Conversations.AsNoTracking().Where(c => c.Id == id).Select(c => new { c.Number, c.Status }).FirstOrDefaultAsync(ct)
            : null;
        Context.Items[NameKey] = customer ?? "";
        return new VisitorSession(visitor.VisitorId, session.Verified, customer, conversation?.Number, conversation?.Status.Wire(),
            session.AgentReadAt, session.VisitorReadAt);
    }

    private static HubException Failure(Error error) => error switch
    {
        Invalid invalid => new HubException("invalid: " + string.Join(" ", invalid.Fields.Select(f => $"{f.Key} {string.Join(" ", f.Value)}"))),
        _ => new HubException("failed: " + error.Message),
    };
}
