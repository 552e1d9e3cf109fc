using Kefu.Core.Channels.Phone;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Customers;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Phone;

/// <summary>A call to log: from an agent's form or a telephony system (CTI). ExternalCallId makes a repeated event log it once.</summary>
public sealed record LogCallRequest(
    string? ExternalCallId, CallDirection? Direction, CallOutcome? Outcome, string? Number, int? DurationSeconds, string? RecordingUrl,
    string? Notes, DateTimeOffset? StartedAt, Guid? AgentId, string? CustomerName, Guid? ConversationId)
{
    public CallDetails Details => new(ExternalCallId, Direction, Outcome, Number, DurationSeconds, RecordingUrl, Notes, StartedAt, AgentId);
}

public sealed record CallLogDto(
    Guid Id, Guid ConversationId, Guid MessageId, Guid CustomerId, string? ExternalCallId, CallDirection Direction, CallOutcome Outcome, string Number,
    int DurationSeconds, string? RecordingUrl, string? Notes, Guid? AgentId, DateTimeOffset StartedAt, DateTimeOffset CreatedAt)
{
    public static CallLogDto From(CallLog c) => new(
        c.Id, c.ConversationId, c.MessageId, c.CustomerId, c.ExternalCallId, c.Direction, c.Outcome, c.Number, c.DurationSeconds, c.RecordingUrl,
        c.Notes, c.AgentId, c.StartedAt, c.CreatedAt);
}

public sealed record LoggedCall(CallLogDto Call, ConversationDto Conversation, MessageDto Message, bool Created);

public sealed record CreateCallbackRequest(string? Number, DateTimeOffset? DueAt, string? Notes, string? CustomerName, Guid? ConversationId, Guid? AssigneeId);

public sealed record CallbackDto(
    Guid Id, Guid CustomerId, string CustomerName, Guid? ConversationId, long? ConversationNumber, string Number, DateTimeOffset DueAt, string? Notes,
    Guid? AssigneeId, CallbackStatus Status, bool Overdue, DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt);

/// <summary>What a telephony system shows when a call rings: who it is and what is open for them.</summary>
public sealed record CallerLookup(string Number, CustomerDto? Customer, IReadOnlyList<ConversationDto> OpenConversations, IReadOnlyList<CallbackDto> OpenCallbacks);

/// <summary>Phone: call logs as messages of phone conversations, callback requests, and the caller lookup for CTI.</summary>
public static class PhoneCommands
{
    public static async Task<Result<LoggedCall>> LogCallAsync(KefuDbContext db, Actor actor, DateTimeOffset now, LogCallRequest request, CancellationToken ct)
    {
        var number = CallLog.Validate(request.Details);
        var errors = new FieldErrors().Include(number.Error).MaxLength("customerName", request.CustomerName, Limits.Name);
        if (request.AgentId is { } agentId && !await db.Agents.AnyAsync(a => a.Id == agentId, ct))
        {
            errors.Add("agentId", $"no agent has the id {agentId}.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var externalId = string.IsNullOrWhiteSpace(request.ExternalCallId) ? null : request.ExternalCallId.Trim();
        if (externalId is not null && await db.CallLogs.AsNoTracking().FirstOrDefaultAsync(c => c.ExternalCallId == externalId, ct) is { } logged)
        {
            return await ExistingAsync(db, logged, ct);
        }

        var clientId = externalId is null ? null : $"call:{externalId}";
        var customer = await CustomerByPhoneAsync(db, actor, now, number.Value, request.CustomerName, ct);
        if (!customer.IsOk)
        {
            return customer.Error!;
        }

        var d = request.Details;
        var text = CallLog.Summary(d.Direction!.Value, d.Outcome ?? CallOutcome.Answered, number.Value, d.DurationSeconds ?? 0, d.Notes);
        if (!string.IsNullOrWhiteSpace(d.RecordingUrl))
        {
            text += $"\n\n🎧 {d.RecordingUrl.Trim()}";
        }

        var kind = d.Direction == CallDirection.Inbound ? MessageKind.Inbound : MessageKind.Outbound;
        var message = new NewMessage(kind, text, null, clientId, null);
        var target = request.ConversationId ?? await OpenPhoneConversationAsync(db, customer.Value, ct);
        MessageDto created;
        ConversationDto conversation;
        var isNew = true;
        if (target is { } conversationId)
        {
            var added = await ConversationCommands.AddMessageAsync(db, actor, now, conversationId, message, ct);
            if (!added.IsOk)
            {
                return added.Error is NotFound && request.ConversationId is not null ? Invalid.Field("conversationId", $"no conversation has the id {conversationId}.") : added.Error!;
            }

            (created, conversation, isNew) = added.Value;
        }
        else
        {
            var opened = await ConversationCommands.CreateAsync(db, actor, now,
                new CreateConversationRequest(Channel.Phone, null, customer.Value, null, message, Priority.Normal, null, null, null, null), ct);
            if (!opened.IsOk)
            {
                return opened.Error!;
            }

            (conversation, created, isNew) = (opened.Value.Detail.Conversation, opened.Value.Detail.Messages[0], opened.Value.Created);
        }

        if (!isNew && await db.CallLogs.AsNoTracking().FirstOrDefaultAsync(c => c.MessageId == created.Id, ct) is { } done)
        {
            return new LoggedCall(CallLogDto.From(done), conversation, created, false);
        }

        // The message is saved; a crash before this line leaves it without details, and the telephony system's retry
        // (same external id, so the same message) adds them.
        var call = CallLog.Create(created.ConversationId, created.Id, conversation.CustomerId, number.Value, d, now);
        db.CallLogs.Add(call);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            db.ChangeTracker.Clear();
            return await ExistingAsync(db, await db.CallLogs.AsNoTracking().FirstAsync(c => c.ExternalCallId == externalId, ct), ct);
        }

        return new LoggedCall(CallLogDto.From(call), conversation, created, true);
    }

    public static async Task<Result<CallbackDto>> RequestCallbackAsync(KefuDbContext db, Actor actor, DateTimeOffset now, CreateCallbackRequest request, CancellationToken ct)
    {
        var probe = CallbackRequest.Create(Guid.Empty, request.ConversationId, request.Number, request.DueAt, request.Notes, request.AssigneeId, now);
        var errors = new FieldErrors().Include(probe.Error).MaxLength("customerName", request.CustomerName, Limits.Name);
        await References.CheckAsync(db, errors, null, request.AssigneeId, null, ct);
        var conversation = request.ConversationId is { } cid ? await db.Conversations.AsNoTracking().FirstOrDefaultAsync(c => c.Id == cid, ct) : null;
        if (request.ConversationId is not null && conversation is null)
        {
            errors.Add("conversationId", $"no conversation has the id {request.ConversationId}.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        Guid customerId;
        if (conversation is not null)
        {
            customerId = conversation.CustomerId;
        }
        else
        {
            var customer = await CustomerByPhoneAsync(db, actor, now, probe.Value.Number, request.CustomerName, ct);
            if (!customer.IsOk)
            {
                return customer.Error!;
            }

            customerId = customer.Value;
        }

        var callback = CallbackRequest.Create(customerId, conversation?.Id, request.Number, request.DueAt, request.Notes, request.AssigneeId, now).Value;
        db.CallbackRequests.Add(callback);
        db.Activities.Add(ActivityEntry.Create(actor, now, "callback", callback.Id, "created", new("dueAt", null, callback.DueAt.ToString("O"))));
        if (conversation is not null)
        {
            db.Activities.Add(ActivityEntry.Create(actor, now, "conversation", conversation.Id, "callback_requested", new("dueAt", null, callback.DueAt.ToString("O"))));
        }

        await db.SaveChangesAsync(ct);
        return (await ListAsync(db, now, null, callback.Id, ct)).Single();
    }

    public static async Task<Result<CallbackDto>> CloseCallbackAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, CallbackStatus to, CancellationToken ct)
    {
        var callback = await db.CallbackRequests.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (callback is null)
        {
            return new NotFound("Callback", id.ToString());
        }

        var changes = callback.Close(to, actor.Kind == ActorKind.Agent || actor.Kind == ActorKind.Integration ? actor.Id : null, now);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "callback", id, changes.Value));
        await db.SaveChangesAsync(ct);
        return (await ListAsync(db, now, null, id, ct)).Single();
    }

    /// <summary>Callbacks, soonest due first (overdue ones come first by nature); open only unless a status is given.</summary>
    public static async Task<List<CallbackDto>> ListAsync(KefuDbContext db, DateTimeOffset now, CallbackStatus? status, Guid? id, CancellationToken ct, string? number = null, int limit = 200)
    {
        var query = db.CallbackRequests.AsNoTracking();
        query = id is { } one ? query.Where(c => c.Id == one) : query.Where(c => c.Status == (status ?? CallbackStatus.Open));
        if (number is not null)
        {
            query = query.Where(c => c.Number == number);
        }

        var rows = await (from c in query
                          join customer in db.Customers on c.CustomerId equals customer.Id
                          join conversation in db.Conversations on c.ConversationId equals conversation.Id into cs
                          from conversation in cs.DefaultIfEmpty()
                          orderby c.DueAt, c.Id
                          select new { Callback = c, customer.Name, Number = (long?)conversation.Number }).Take(limit).ToListAsync(ct);
        return rows.Select(r => new CallbackDto(
            r.Callback.Id, r.Callback.CustomerId, r.Name ?? r.Callback.Number, r.Callback.ConversationId, r.Number, r.Callback.Number, r.Callback.DueAt,
            r.Callback.Notes, r.Callback.AssigneeId, r.Callback.Status, r.Callback.IsOverdue(now), r.Callback.CreatedAt, r.Callback.CompletedAt)).ToList();
    }

    public static async Task<Result<CallerLookup>> LookupAsync(KefuDbContext db, DateTimeOffset now, string? number, CancellationToken ct)
    {
        var key = CustomerIdentity.Normalize(IdentityKind.Phone, null, number, "");
        if (!key.IsOk)
        {
            return Invalid.Field("number", "must be a phone number of 5 to 20 digits, optionally starting with +.");
        }

        var phone = key.Value.Value;
        var customerId = await db.CustomerIdentities.AsNoTracking()
            .Where(i => i.Kind == IdentityKind.Phone && i.Source == "" && i.Value == phone).Select(i => (Guid?)i.CustomerId).FirstOrDefaultAsync(ct);
        if (customerId is null)
        {
            return new CallerLookup(phone, null, [], await ListAsync(db, now, CallbackStatus.Open, null, ct, phone, 20));
        }

        var customer = await db.Customers.AsNoTracking().Include(c => c.Identities).FirstAsync(c => c.Id == customerId, ct);
        if (customer.MergedIntoId is { } survivor)
        {
            customer = await db.Customers.AsNoTracking().Include(c => c.Identities).FirstAsync(c => c.Id == survivor, ct);
        }

        var open = await db.Conversations.AsNoTracking()
            .Where(c => c.CustomerId == customer.Id && c.MergedIntoId == null && c.Status != ConversationStatus.Resolved && c.Status != ConversationStatus.Closed)
            .OrderByDescending(c => c.LastMessageAt).Take(20).ToListAsync(ct);
        var callbacks = (await ListAsync(db, now, CallbackStatus.Open, null, ct, null, 200)).Where(c => c.CustomerId == customer.Id || c.Number == phone).Take(20).ToList();
        return new CallerLookup(phone, CustomerDto.From(customer), open.Select(c => ConversationDto.From(c, customer.DisplayName)).ToList(), callbacks);
    }

    private static async Task<Result<LoggedCall>> ExistingAsync(KefuDbContext db, CallLog call, CancellationToken ct)
    {
        var message = await db.Messages.AsNoTracking().FirstAsync(m => m.Id == call.MessageId, ct);
        var conversation = await ConversationQueries.SummaryAsync(db, message.ConversationId, ct);
        return new LoggedCall(CallLogDto.From(call), conversation!, MessageDto.From(message), false);
    }

    /// <summary>The customer with this (normalised) phone number, created with it when there is none.</summary>
    private static async Task<Result<Guid>> CustomerByPhoneAsync(KefuDbContext db, Actor actor, DateTimeOffset now, string phone, string? name, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var found = await CustomerCommands.FindOrCreateAsync(db, actor, now, new CustomerRef(IdentityKind.Phone, null, phone, name, null), ct);
            if (!found.IsOk)
            {
                return found.Error!;
            }

            try
            {
                await db.SaveChangesAsync(ct);
                return found.Value.MergedIntoId ?? found.Value.Id;
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>The customer's most recent phone conversation that is not closed (a resolved one is reopened by the call).</summary>
    private static Task<Guid?> OpenPhoneConversationAsync(KefuDbContext db, Guid customerId, CancellationToken ct) =>
        db.Conversations.AsNoTracking()
            .Where(c => c.CustomerId == customerId && c.Channel == Channel.Phone && c.MergedIntoId == null && c.Status != ConversationStatus.Closed)
            .OrderByDescending(c => c.LastMessageAt).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
}
