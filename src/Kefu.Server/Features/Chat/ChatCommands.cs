using Kefu.Core.Channels.Chat;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Customers;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Chat;

/// <summary>What the website vouches for: its own user id signed with the inbox secret (HMAC-SHA256, hex).</summary>
public sealed record IdentityClaim(string? ExternalId, string? Name, string? Email, string? Signature);

/// <summary>The pre-chat form: who the visitor says they are (not verified).</summary>
public sealed record PreChat(string? Name, string? Email);

/// <summary>A message the widget sent, stored in the visitor's current chat conversation.</summary>
public sealed record SentMessage(MessageDto Message, ConversationDto Conversation, bool Created, bool NewConversation);

/// <summary>
/// The steps behind the widget: a visitor's chat session, its customer and its current conversation. A visitor
/// never names a conversation: it is always the one of the session its token points to.
/// </summary>
public static class ChatCommands
{
    /// <summary>Agents have read a chat up to a time (never the future): the event to publish, or null when nothing moved.</summary>
    public static async Task<Realtime.ReadChanged?> AgentReadAsync(KefuDbContext db, Guid conversationId, DateTimeOffset upTo, DateTimeOffset now, CancellationToken ct)
    {
        var at = upTo > now ? now : upTo;
        var session = await db.ChatSessions.FirstOrDefaultAsync(s => s.ConversationId == conversationId, ct);
        if (session is null || session.AgentReadAt >= at)
        {
            return null;
        }

        session.AgentRead(at);
        await db.SaveChangesAsync(ct);
        return new Realtime.ReadChanged(conversationId, ByVisitor: false, at);
    }

    /// <summary>Longest message a visitor may type (agents and the API allow more).</summary>
    public const int MaxVisitorText = 5_000;

    public const int MaxClientMessageId = 60;

    /// <summary>How many messages a visitor gets back when the widget (re)starts.</summary>
    public const int HistoryLimit = 200;

    private const string ClientIdPrefix = "chat:";

    /// <summary>The identity source of a website's own user ids, per inbox (each inbox has its own signing secret).</summary>
    public static string IdentitySource(Guid inboxId) => $"web:{inboxId:N}";

    /// <summary>
    /// Client message ids are unique across all messages; a visitor's ids are namespaced by its session so one
    /// visitor can neither collide with nor probe another's.
    /// </summary>
    public static string StoredClientId(Guid sessionId, string clientMessageId) => $"{ClientIdPrefix}{sessionId:N}:{clientMessageId}";

    /// <summary>The visitor's own id back from a stored one (other ids are shown as they are).</summary>
    public static string? VisitorClientId(string? stored) =>
        stored is { Length: > 38 } && stored.StartsWith(ClientIdPrefix, StringComparison.Ordinal) && stored[37] == ':' ? stored[38..] : stored;

    public static Actor VisitorActor(Guid? customerId) => new(ActorKind.Customer, customerId, "visitor");

    public static Task<ChatSession?> FindSessionAsync(KefuDbContext db, VisitorRef v, CancellationToken ct) =>
        db.ChatSessions.FirstOrDefaultAsync(s => s.InboxId == v.InboxId && s.VisitorId == v.VisitorId, ct);

    /// <summary>
    /// When an agent merged the visitor's chat into another conversation of the same customer, the chat continues
    /// there (history and new messages). A merge into someone else's conversation is not followed.
    /// </summary>
    public static async Task FollowMergeAsync(KefuDbContext db, ChatSession session, CancellationToken ct)
    {
        for (var hops = 0; hops < 5 && session.ConversationId is { } id; hops++)
        {
            var target = await db.Conversations.AsNoTracking().Where(c => c.Id == id).Select(c => c.MergedIntoId).FirstOrDefaultAsync(ct);
            if (target is not { } next || !await db.Conversations.AnyAsync(c => c.Id == next && c.CustomerId == session.CustomerId, ct))
            {
                return;
            }

            session.Attach(next);
        }
    }

    /// <summary>
    /// The visitor's session, created with an anonymous customer (identity: the visitor id) the first time the
    /// visitor does something worth keeping. Page views alone create nothing.
    /// </summary>
    public static async Task<ChatSession> EnsureSessionAsync(KefuDbContext db, VisitorRef v, VisitorContext? context, DateTimeOffset now, CancellationToken ct)
    {
        if (await FindSessionAsync(db, v, ct) is { } existing)
        {
            return existing;
        }

        var customer = await CustomerCommands.FindOrCreateAsync(db, VisitorActor(null), now,
            new CustomerRef(IdentityKind.VisitorId, null, v.VisitorId, null, Language(context)), ct);
        return await AddSessionAsync(db, v, customer.Value.Id, verified: false, context, now, ct);
    }

    private static async Task<ChatSession> AddSessionAsync(KefuDbContext db, VisitorRef v, Guid customerId, bool verified, VisitorContext? context, DateTimeOffset now, CancellationToken ct)
    {
        var session = ChatSession.Start(Guid.CreateVersion7(now), v.InboxId, v.VisitorId, customerId, verified, now);
        if (context is not null)
        {
            session.Seen(context, now);
        }

        db.ChatSessions.Add(session);
        try
        {
            await db.SaveChangesAsync(ct);
            return session;
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // Another tab of the same visitor created it first.
            db.ChangeTracker.Clear();
            return await FindSessionAsync(db, v, ct) ?? throw new InvalidOperationException("The chat session vanished after a unique violation.");
        }
    }

    /// <summary>
    /// Stores a visitor's message in the session's conversation, opening a new chat conversation (for the inbox's
    /// team) when there is none or the last one was closed. Idempotent by the visitor's client message id.
    /// </summary>
    public static async Task<Result<SentMessage>> SendAsync(
        KefuDbContext db, ChatInbox inbox, VisitorRef v, VisitorContext? context, string? clientMessageId, string? text,
        IReadOnlyList<Attachment>? attachments, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors().Required("clientMessageId", clientMessageId, MaxClientMessageId).MaxLength("text", text, MaxVisitorText);
        if (clientMessageId is not null && !clientMessageId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            errors.Add("clientMessageId", "may contain only letters, digits, - and _.");
        }

        if (string.IsNullOrWhiteSpace(text) && attachments is not { Count: > 0 })
        {
            errors.Add("text", "is required unless the message has attachments.");
        }

        if (attachments is { Count: > 10 })
        {
            errors.Add("attachments", "must contain at most 10 files.");
        }

        var files = new List<Attachment>();
        for (var i = 0; i < (attachments?.Count ?? 0); i++)
        {
            // Only files that were uploaded here: type and size come from the stored file, not from the client.
            var stored = FileStore.ParseUrl(attachments![i]?.Url) is { } sha
                ? await db.Files.AsNoTracking().Where(f => f.Sha256 == sha).Select(f => new { f.Sha256, f.ContentType, f.Size }).FirstOrDefaultAsync(ct)
                : null;
            if (stored is null)
            {
                errors.Add($"attachments[{i}]", "is not a file uploaded to this chat; upload it first.");
                continue;
            }

            var name = FileStore.CleanFileName(attachments[i].FileName);
            files.Add(new Attachment(name, stored.ContentType, stored.Size, FileStore.Url(stored.Sha256, name)));
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var session = await EnsureSessionAsync(db, v, context, now, ct);
        var storedId = StoredClientId(session.Id, clientMessageId!);
        if (await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.ClientMessageId == storedId, ct) is { } already)
        {
            return new SentMessage(MessageDto.From(already), (await ConversationQueries.SummaryAsync(db, already.ConversationId, ct))!, false, false);
        }

        await FollowMergeAsync(db, session, ct);
        await db.SaveChangesAsync(ct);
        var actor = VisitorActor(session.CustomerId);
        var message = new NewMessage(MessageKind.Inbound, text ?? "", null, storedId, files);
        var current = session.ConversationId is { } currentId ? await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == currentId, ct) : null;
        if (current is { MergedIntoId: null } && current.Status != ConversationStatus.Closed)
        {
            var added = await ConversationCommands.AddMessageAsync(db, actor, now, current.Id, message, ct);
            if (added.IsOk)
            {
                return new SentMessage(added.Value.Message, added.Value.Conversation, added.Value.Created, false);
            }

            if (added.Error is not Conflict)
            {
                return added.Error!;
            }

            // Closed a moment ago: the visitor's message starts a follow-up conversation.
            db.ChangeTracker.Clear();
        }

        var subject = string.IsNullOrWhiteSpace(text) ? files[0].FileName : null;
        var created = await ConversationCommands.CreateAsync(db, actor, now,
            new CreateConversationRequest(Channel.Chat, subject, session.CustomerId, null, message, Priority.Normal, null, null, null, inbox.TeamId), ct);
        if (!created.IsOk)
        {
            return created.Error!;
        }

        var detail = created.Value.Detail;
        var conversationId = detail.Conversation.Id;
        if (created.Value.Created)
        {
            var firstId = detail.Messages.First(m => m.ClientMessageId == storedId).Id;
            await Assistant.BotSessions.StartAsync(db, inbox.Id, conversationId, firstId, Kefu.Core.Knowledge.KbLanguages.Detect(text ?? "", session.Language), now, ct);
        }
        var previous = session.ConversationId;
        var attached = await db.ChatSessions.Where(s => s.Id == session.Id && s.ConversationId == previous)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.ConversationId, conversationId), ct);
        if (attached == 0)
        {
            // Another tab opened a conversation at the same moment: keep one, the visitor's messages all end up there.
            var winner = await db.ChatSessions.AsNoTracking().Where(s => s.Id == session.Id).Select(s => s.ConversationId).FirstAsync(ct);
            if (winner is { } target && target != conversationId)
            {
                db.ChangeTracker.Clear();
                await ConversationCommands.MergeAsync(db, actor, now, conversationId, target, ct);
                var moved = await db.Messages.AsNoTracking().FirstAsync(m => m.ClientMessageId == storedId, ct);
                return new SentMessage(MessageDto.From(moved), (await ConversationQueries.SummaryAsync(db, target, ct))!, true, false);
            }
        }

        var mine = detail.Messages.First(m => m.ClientMessageId == storedId);
        return new SentMessage(mine, detail.Conversation, created.Value.Created, created.Value.Created);
    }

    /// <summary>
    /// Applies a verified identity. A valid signature links the chat to the customer with that external id
    /// (merging the anonymous visitor into them); a different verified person on the same browser gets a fresh
    /// visitor, so nobody sees the previous user's chat. An invalid signature changes nothing.
    /// </summary>
    public static async Task<(VisitorRef Visitor, bool Verified)> IdentifyAsync(
        KefuDbContext db, ChatInbox inbox, VisitorRef v, IdentityClaim claim, VisitorContext? context, DateTimeOffset now, ILogger log, CancellationToken ct)
    {
        var externalId = claim.ExternalId?.Trim();
        if (string.IsNullOrEmpty(externalId) || externalId.Length > Limits.IdentityValue || !VisitorIdentity.Verify(inbox.Secret, externalId, claim.Signature?.Trim().ToLowerInvariant()))
        {
            log.LogWarning("Chat inbox {Inbox}: ignored an identity with an invalid signature (visitor {Visitor}); the chat stays anonymous.", inbox.Id, v.VisitorId);
            return (v, false);
        }

        var source = IdentitySource(inbox.Id);
        var knownId = await db.CustomerIdentities.AsNoTracking()
            .Where(i => i.Kind == IdentityKind.External && i.Source == source && i.Value == externalId)
            .Select(i => (Guid?)i.CustomerId).FirstOrDefaultAsync(ct);
        if (knownId is { } k && await db.Customers.AsNoTracking().Where(c => c.Id == k).Select(c => c.MergedIntoId).FirstOrDefaultAsync(ct) is { } mergedInto)
        {
            knownId = mergedInto;
        }

        var session = await FindSessionAsync(db, v, ct);
        if (session is { Verified: true })
        {
            var linked = await db.CustomerIdentities.AsNoTracking()
                .Where(i => i.CustomerId == session.CustomerId && i.Kind == IdentityKind.External && i.Source == source)
                .Select(i => i.Value).ToListAsync(ct);
            if (linked.Count > 0 && !linked.Contains(externalId))
            {
                // Someone else signed in on this browser: a new visitor, a new chat.
                v = new VisitorRef(inbox.Id, VisitorTokens.NewVisitorId());
                session = null;
            }
        }

        var actor = VisitorActor(session?.CustomerId ?? knownId);
        Guid customerId;
        if (session is null)
        {
            if (knownId is { } known)
            {
                customerId = known;
            }
            else
            {
                var created = await CustomerCommands.FindOrCreateAsync(db, actor, now, new CustomerRef(IdentityKind.External, source, externalId, claim.Name, Language(context)), ct);
                customerId = created.Value.Id;
            }

            session = await AddSessionAsync(db, v, customerId, verified: true, context, now, ct);
        }
        else if (knownId is { } known && known != session.CustomerId)
        {
            // The anonymous visitor was this known customer all along: their chats move over.
            var merged = await CustomerCommands.MergeAsync(db, actor, now, session.CustomerId, known, ct);
            if (!merged.IsOk)
            {
                log.LogWarning("Could not merge visitor customer {Visitor} into {Known}: {Error}", session.CustomerId, known, merged.Error!.Message);
                db.ChangeTracker.Clear();
                await db.Conversations.Where(c => c.CustomerId == session.CustomerId).ExecuteUpdateAsync(s => s.SetProperty(c => c.CustomerId, known), ct);
            }

            session = (await FindSessionAsync(db, v, ct))!;
            customerId = known;
        }
        else
        {
            customerId = session.CustomerId;
            if (knownId is null)
            {
                await CustomerCommands.AddIdentityAsync(db, actor, now, customerId, new NewIdentity(IdentityKind.External, source, externalId), ct);
            }
        }

        session.LinkCustomer(customerId, verified: true);
        await db.SaveChangesAsync(ct);
        await ApplyDetailsAsync(db, actor, customerId, claim.Name, claim.Email, overwriteName: true, now, ct);
        return (v, true);
    }

    /// <summary>The pre-chat form: a name and e-mail for the visitor's customer (e-mail required when the inbox says so).</summary>
    public static async Task<Result<ChatSession>> IntroduceAsync(
        KefuDbContext db, ChatInbox inbox, VisitorRef v, PreChat form, VisitorContext? context, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors().MaxLength("name", form.Name, Limits.Name);
        if (string.IsNullOrWhiteSpace(form.Email))
        {
            if (inbox.PreChatRequireEmail)
            {
                errors.Add("email", "is required.");
            }
        }
        else if (!CustomerIdentity.Normalize(IdentityKind.Email, null, form.Email).IsOk)
        {
            errors.Add("email", "must be an e-mail address such as name@example.com.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var session = await EnsureSessionAsync(db, v, context, now, ct);
        await ApplyDetailsAsync(db, VisitorActor(session.CustomerId), session.CustomerId, form.Name, form.Email, overwriteName: false, now, ct);
        return session;
    }

    /// <summary>
    /// Name and e-mail for a customer. An e-mail that already belongs to someone else is not attached (that would
    /// let a visitor pose as another customer); it is kept as an attribute for an agent to merge by hand.
    /// </summary>
    private static async Task ApplyDetailsAsync(KefuDbContext db, Actor actor, Guid customerId, string? name, string? email, bool overwriteName, DateTimeOffset now, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var customer = await db.Customers.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == customerId, ct);
        if (customer is null || customer.MergedIntoId is not null)
        {
            return;
        }

        if (!string.IsNullOrWhiteSpace(name) && name.Trim().Length <= Limits.Name && (overwriteName || customer.Name is null) && name.Trim() != customer.Name)
        {
            await CustomerCommands.UpdateAsync(db, actor, now, customerId, null, new CustomerPatch(Name: name.Trim()), ct);
        }

        if (string.IsNullOrWhiteSpace(email) || CustomerIdentity.Normalize(IdentityKind.Email, null, email) is not { IsOk: true } key)
        {
            return;
        }

        var owner = await db.CustomerIdentities.AsNoTracking()
            .Where(i => i.Kind == IdentityKind.Email && i.Source == "" && i.Value == key.Value.Value).Select(i => (Guid?)i.CustomerId).FirstOrDefaultAsync(ct);
        if (owner is null)
        {
            await CustomerCommands.AddIdentityAsync(db, actor, now, customerId, new NewIdentity(IdentityKind.Email, null, email), ct);
        }
        else if (owner != customerId && customer.Attributes.GetValueOrDefault("unverifiedEmail") != key.Value.Value)
        {
            var attributes = new Dictionary<string, string>(customer.Attributes) { ["unverifiedEmail"] = key.Value.Value };
            await CustomerCommands.UpdateAsync(db, actor, now, customerId, null, new CustomerPatch(Attributes: attributes), ct);
        }
    }

    private static string? Language(VisitorContext? context) =>
        context?.Language is { Length: > 0 and <= Limits.Language } language ? language : null;
}
