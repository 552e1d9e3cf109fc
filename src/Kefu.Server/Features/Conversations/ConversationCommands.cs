using Kefu.Core.Automation;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Automation;
using Kefu.Server.Features.Customers;
using Kefu.Server.Features.Email;
using Kefu.Server.Features.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Conversations;

/// <summary>
/// The steps that change conversations, shared by the REST API and the agent UI. Each call is one transaction:
/// a failure writes nothing.
/// </summary>
public static class ConversationCommands
{
    /// <param name="alsoSave">Adds rows that must commit with the new conversation (e.g. the mail it came from).</param>
    public static async Task<Result<(ConversationDetail Detail, bool Created)>> CreateAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, CreateConversationRequest request, CancellationToken ct,
        Func<Conversation, Message, Task>? alsoSave = null)
    {
        var errors = new FieldErrors();
        if (request.Channel is null)
        {
            errors.Add("channel", "is required (chat, email, api, phone or web_form).");
        }

        if (request.CustomerId is null == request.Customer is null)
        {
            errors.Add("customer", "give either customerId or customer (an identity to find or create the customer by).");
        }

        if (request.Message is null)
        {
            errors.Add("message", "is required: the first message of the conversation.");
        }

        await References.CheckAsync(db, errors, request.CategoryId, request.AssigneeId, request.TeamId, ct);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var clientId = request.Message!.ClientMessageId?.Trim();
        if (!string.IsNullOrEmpty(clientId) && await ExistingByClientIdAsync(db, clientId, ct) is { } existing)
        {
            return (existing, false);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await CreateOnceAsync(db, actor, now, request, alsoSave, ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt < 3)
            {
                // A concurrent request made the same message or customer identity first: take theirs.
                db.ChangeTracker.Clear();
                if (!string.IsNullOrEmpty(clientId) && await ExistingByClientIdAsync(db, clientId, ct) is { } raced)
                {
                    return (raced, false);
                }
            }
        }
    }

    private static async Task<Result<(ConversationDetail, bool)>> CreateOnceAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, CreateConversationRequest request, Func<Conversation, Message, Task>? alsoSave, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var customer = request.CustomerId is { } customerId
            ? await db.Customers.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == customerId, ct)
            : null;
        if (request.CustomerId is not null && customer is null)
        {
            return Invalid.Field("customerId", $"no customer has the id {request.CustomerId}.");
        }

        if (customer is null)
        {
            var found = await CustomerCommands.FindOrCreateAsync(db, actor, now, request.Customer!, ct);
            if (!found.IsOk)
            {
                return found.Error!;
            }

            customer = found.Value;
        }

        if (customer.MergedIntoId is { } mergedInto)
        {
            customer = await db.Customers.Include(c => c.Identities).FirstAsync(c => c.Id == mergedInto, ct);
        }

        var message = request.Message!;
        var kind = message.Kind ?? MessageKind.Inbound;
        var id = Guid.CreateVersion7(now);
        var (text, html) = MessageHtml.Normalize(message.Text, message.Html);
        var created = Message.Create(id, kind, AuthorOf(kind, actor), AuthorIdOf(kind, actor, customer.Id), text, html,
            message.Attachments, message.ClientMessageId, now, "message.");
        if (!created.IsOk)
        {
            return created.Error!;
        }

        var number = await db.NextAsync(KefuDbContext.ConversationCounter, ct);
        var subject = string.IsNullOrWhiteSpace(request.Subject) ? Conversation.SubjectFrom(text) : request.Subject;
        var opened = Conversation.Open(id, number, request.Channel!.Value, subject, customer.Id, request.Priority ?? Priority.Normal,
            request.CategoryId, request.Tags, request.AssigneeId, request.TeamId, now);
        if (!opened.IsOk)
        {
            return opened.Error!;
        }

        var conversation = opened.Value;
        var changes = conversation.RecordMessage(created.Value, now);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        db.Conversations.Add(conversation);
        db.Messages.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(actor, now, "conversation", conversation.Id, "created", new("number", null, Conversation.Display(number))));
        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "conversation", conversation.Id, changes.Value));
        await Sla.SlaRefresh.ApplyAsync(db, conversation, now, ct);
        await Routing.RoutingEngine.QueueNewAsync(db, conversation, now, ct);
        await AutomationOutbox.QueueAsync(db, actor, now, conversation.Id,
            kind == MessageKind.Inbound ? [AutomationTrigger.ConversationCreated, AutomationTrigger.MessageReceived] : [AutomationTrigger.ConversationCreated],
            created.Value.Id, ct);
        await EmailOutbox.QueueAsync(db, conversation, created.Value, now, ct);
        if (alsoSave is not null)
        {
            await alsoSave(conversation, created.Value);
        }

        var dto = ConversationDto.From(conversation, customer.DisplayName);
        var first = MessageDto.From(created.Value);
        await WebhookOutbox.ConversationCreatedAsync(db, actor, now, dto, first, ct);
        if (kind == MessageKind.Inbound)
        {
            Assistant.AssistantOutbox.Queue(db, conversation.Id, created.Value.Id, now);
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (new ConversationDetail(dto, [first]), true);
    }

    /// <summary>
    /// Adds a message; returns it with the conversation as it now is (what the realtime event needs), so callers do
    /// not read the conversation again.
    /// </summary>
    /// <param name="alsoSave">Adds rows that must commit with the message (e.g. the mail it came from).</param>
    public static async Task<Result<(MessageDto Message, ConversationDto Conversation, bool Created)>> AddMessageAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, Guid conversationId, NewMessage request, CancellationToken ct,
        Func<Conversation, Message, Task>? alsoSave = null)
    {
        var clientId = request.ClientMessageId?.Trim();
        for (var attempt = 1; ; attempt++)
        {
            // Appends to one conversation queue up behind its row lock instead of failing on the version check:
            // a busy chat must not turn a customer's message into a 409.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var conversation = await LockAsync(db, conversationId, ct);
            if (!string.IsNullOrEmpty(clientId) && await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.ClientMessageId == clientId, ct) is { } existing)
            {
                return existing.ConversationId == conversationId && conversation is not null
                    ? (MessageDto.From(existing), ConversationDto.From(conversation, await CustomerNameAsync(db, conversation.CustomerId, ct)), false)
                    : new Conflict($"clientMessageId '{clientId}' was already used for a message in another conversation.");
            }

            if (conversation is null)
            {
                return new NotFound("Conversation", conversationId.ToString());
            }

            var kind = request.Kind ?? MessageKind.Outbound;
            var (text, html) = MessageHtml.Normalize(request.Text, request.Html);
            var created = Message.Create(conversation.Id, kind, AuthorOf(kind, actor), AuthorIdOf(kind, actor, conversation.CustomerId),
                text, html, request.Attachments, request.ClientMessageId, now);
            if (!created.IsOk)
            {
                return created.Error!;
            }

            var changes = conversation.RecordMessage(created.Value, now);
            if (!changes.IsOk)
            {
                return changes.Error!;
            }

            db.Messages.Add(created.Value);
            db.Activities.Add(ActivityEntry.Create(actor, now, "conversation", conversation.Id, kind == MessageKind.Note ? "note_added" : "message_added"));
            db.Activities.AddRange(ActivityEntry.Updated(actor, now, "conversation", conversation.Id, changes.Value));
            await Sla.SlaRefresh.ApplyAsync(db, conversation, now, ct);
            List<AutomationTrigger> triggers = kind == MessageKind.Inbound ? [AutomationTrigger.MessageReceived] : [];
            if (changes.Value.Any(c => c.Field == "status"))
            {
                triggers.Add(AutomationTrigger.StatusChanged);
            }

            await AutomationOutbox.QueueAsync(db, actor, now, conversation.Id, triggers, created.Value.Id, ct);
            if (kind == MessageKind.Inbound)
            {
                Assistant.AssistantOutbox.Queue(db, conversation.Id, created.Value.Id, now);
            }

            // Replies on e-mail conversations (and offline chat messages) go out by SMTP: the send job commits with the message.
            await EmailOutbox.QueueAsync(db, conversation, created.Value, now, ct);
            if (alsoSave is not null)
            {
                await alsoSave(conversation, created.Value);
            }

            var dto = ConversationDto.From(conversation, await CustomerNameAsync(db, conversation.CustomerId, ct));
            var messageDto = MessageDto.From(created.Value);
            await WebhookOutbox.MessageAddedAsync(db, actor, now, dto, messageDto, changes.Value, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                return (messageDto, dto, true);
            }
            catch (DbUpdateException e) when (attempt < 3 && DbErrors.IsUniqueViolation(e))
            {
                // The same client id was just used in another conversation (this one is locked): look again to answer 409.
                await tx.RollbackAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>
    /// Loads a conversation and holds its row until the transaction ends: FOR UPDATE on PostgreSQL; on SQLite the
    /// transaction already holds the database's write lock (Microsoft.Data.Sqlite begins transactions IMMEDIATE).
    /// </summary>
    private static async Task<Conversation?> LockAsync(KefuDbContext db, Guid id, CancellationToken ct) => db.IsPostgres
        ? (await db.Conversations.FromSql($"""SELECT * FROM "Conversations" WHERE "Id" = {id} FOR UPDATE""").ToListAsync(ct)).SingleOrDefault()
        : await db.Conversations.FirstOrDefaultAsync(c => c.Id == id, ct);

    public static async Task<Result<ConversationDto>> UpdateAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, Guid conversationId, int? expectedVersion, ConversationPatch patch, CancellationToken ct)
    {
        // Under the row lock, a change without If-Match applies to the latest version instead of failing because a message
        // landed meanwhile; with If-Match the version is compared under the lock, so of two racing writers exactly one wins.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var conversation = await LockAsync(db, conversationId, ct);
        if (conversation is null)
        {
            return new NotFound("Conversation", conversationId.ToString());
        }

        if (expectedVersion is not null && expectedVersion != conversation.Version)
        {
            return new Conflict($"The conversation was changed by someone else (it is now at version {conversation.Version}). Reload it and apply your change again.");
        }

        var errors = new FieldErrors();
        await References.CheckAsync(db, errors,
            patch.CategoryId.HasValue ? patch.CategoryId.Value : null,
            patch.AssigneeId.HasValue ? patch.AssigneeId.Value : null,
            patch.TeamId.HasValue ? patch.TeamId.Value : null, ct);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = conversation.Apply(patch, now);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "conversation", conversation.Id, changes.Value));
        await Sla.SlaRefresh.ApplyAsync(db, conversation, now, ct);
        if (changes.Value.Count > 0)
        {
            await AutomationOutbox.QueueAsync(db, actor, now, conversation.Id,
                changes.Value.Any(c => c.Field == "status") ? [AutomationTrigger.ConversationUpdated, AutomationTrigger.StatusChanged] : [AutomationTrigger.ConversationUpdated],
                null, ct);
        }

        var dto = ConversationDto.From(conversation, await CustomerNameAsync(db, conversation.CustomerId, ct));
        await WebhookOutbox.ConversationUpdatedAsync(db, actor, now, dto, changes.Value, ct);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return dto;
    }

    /// <summary>Moves every message of the source into the target and closes the source, pointing to the target.</summary>
    public static async Task<Result<ConversationDto>> MergeAsync(
        KefuDbContext db, Actor actor, DateTimeOffset now, Guid sourceId, Guid? targetId, CancellationToken ct)
    {
        if (targetId is null)
        {
            return Invalid.Field("targetId", "is required: the conversation to merge into.");
        }

        var source = await db.Conversations.FirstOrDefaultAsync(c => c.Id == sourceId, ct);
        if (source is null)
        {
            return new NotFound("Conversation", sourceId.ToString());
        }

        var target = await db.Conversations.FirstOrDefaultAsync(c => c.Id == targetId, ct);
        if (target is null)
        {
            return Invalid.Field("targetId", $"no conversation has the id {targetId}.");
        }

        var changes = source.MergeInto(target, now);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "conversation", source.Id, changes.Value));
        db.Activities.Add(ActivityEntry.Create(actor, now, "conversation", target.Id, "merged", new("mergedFrom", null, Conversation.Display(source.Number))));
        await Sla.SlaRefresh.ApplyAsync(db, source, now, ct);
        await Sla.SlaRefresh.ApplyAsync(db, target, now, ct);
        var customerName = await CustomerNameAsync(db, target.CustomerId, ct);
        await WebhookOutbox.ConversationUpdatedAsync(db, actor, now, ConversationDto.From(source, await CustomerNameAsync(db, source.CustomerId, ct)), changes.Value, ct);
        await WebhookOutbox.ConversationUpdatedAsync(db, actor, now, ConversationDto.From(target, customerName), [new("mergedFrom", null, Conversation.Display(source.Number))], ct);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Conflict("One of the conversations was changed at the same time. Reload and merge again.");
        }

        await db.Messages.Where(m => m.ConversationId == source.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.ConversationId, target.Id), ct);
        await tx.CommitAsync(ct);
        return ConversationDto.From(target, customerName);
    }

    public static async Task<string> CustomerNameAsync(KefuDbContext db, Guid customerId, CancellationToken ct) =>
        (await db.Customers.AsNoTracking().Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == customerId, ct))?.DisplayName ?? "";

    private static async Task<ConversationDetail?> ExistingByClientIdAsync(KefuDbContext db, string clientId, CancellationToken ct)
    {
        var message = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.ClientMessageId == clientId, ct);
        return message is null ? null : await ConversationQueries.GetAsync(db, message.ConversationId.ToString(), ct);
    }

    private static AuthorKind AuthorOf(MessageKind kind, Actor actor) => kind switch
    {
        MessageKind.Inbound => AuthorKind.Customer,
        MessageKind.Outbound or MessageKind.Note => actor.Kind switch
        {
            ActorKind.Agent or ActorKind.Integration => AuthorKind.Agent,
            ActorKind.Bot => AuthorKind.Bot,
            ActorKind.System or ActorKind.Customer or ActorKind.Automation => AuthorKind.System,
        },
    };

    private static Guid? AuthorIdOf(MessageKind kind, Actor actor, Guid customerId) =>
        kind == MessageKind.Inbound ? customerId : actor.Kind == ActorKind.Automation ? null : actor.Id;
}

/// <summary>Checks that ids named in a request body exist, reporting them as field errors.</summary>
public static class References
{
    public static async Task CheckAsync(KefuDbContext db, FieldErrors errors, Guid? categoryId, Guid? assigneeId, Guid? teamId, CancellationToken ct)
    {
        if (categoryId is { } c && !await db.Categories.AnyAsync(x => x.Id == c && x.IsActive, ct))
        {
            errors.Add("categoryId", $"no active category has the id {c}.");
        }

        if (assigneeId is { } a && !await db.Agents.AnyAsync(x => x.Id == a && x.IsActive, ct))
        {
            errors.Add("assigneeId", $"no active agent has the id {a}.");
        }

        if (teamId is { } t && !await db.Teams.AnyAsync(x => x.Id == t, ct))
        {
            errors.Add("teamId", $"no team has the id {t}.");
        }
    }
}
