using Kefu.Core.Channels.Api;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Customers;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.ApiChannel;

/// <summary>Who the integration says its contact is; applied when Kefu first meets the contact (never overwrites).</summary>
public sealed record ApiContactInfo(string? Name, string? Email, string? Phone, string? Language);

/// <summary>A customer's message, posted by the integration (signed). messageId makes retries safe.</summary>
public sealed record InboundApiMessage(
    string? MessageId, string? ContactId, ApiContactInfo? Contact, string? Text, string? Html, IReadOnlyList<Attachment>? Attachments, string? Subject);

public sealed record InboundApiResult(Guid MessageId, Guid ConversationId, long ConversationNumber, string Display, bool Created, bool NewConversation);

/// <summary>The inbound side of an API channel: contact → customer, message → the contact's current conversation.</summary>
public static class ApiChannelCommands
{
    public static async Task<Result<(InboundApiResult Result, MessageDto Message, ConversationDto Conversation)>> ReceiveAsync(
        KefuDbContext db, Integration integration, InboundApiMessage request, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .Required("messageId", request.MessageId, ApiContact.MaxMessageId)
            .Required("contactId", request.ContactId, ApiContact.MaxContactId)
            .MaxLength("subject", request.Subject, Limits.Subject)
            .MaxLength("contact.name", request.Contact?.Name, Limits.Name)
            .MaxLength("contact.language", request.Contact?.Language, Limits.Language);
        if (request.Contact?.Email is { Length: > 0 } email && !CustomerIdentity.Normalize(IdentityKind.Email, null, email).IsOk)
        {
            errors.Add("contact.email", "must be an e-mail address such as name@example.com.");
        }

        if (request.Contact?.Phone is { Length: > 0 } phone && !CustomerIdentity.Normalize(IdentityKind.Phone, null, phone).IsOk)
        {
            errors.Add("contact.phone", "must be a phone number of 5 to 20 digits, optionally starting with +.");
        }

        for (var i = 0; i < (request.Attachments?.Count ?? 0); i++)
        {
            // Shown to agents as links: only web addresses, never javascript: or data: URLs.
            var url = request.Attachments![i]?.Url;
            if (url is null || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                errors.Add($"attachments[{i}].url", "must be an absolute http:// or https:// URL where the file can be downloaded.");
            }
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var contactId = request.ContactId!.Trim();
        var storedId = ApiContact.StoredMessageId(integration.Id, request.MessageId!.Trim());
        if (await RepeatAsync(db, storedId, ct) is { } repeat)
        {
            return repeat;
        }

        var contact = await EnsureContactAsync(db, integration, contactId, request.Contact, now, ct);
        if (!contact.IsOk)
        {
            return contact.Error!;
        }

        var actor = new Actor(ActorKind.Customer, contact.Value.CustomerId, request.Contact?.Name?.Trim() is { Length: > 0 } name ? name : $"{integration.IdentitySource}:{contactId}");
        var message = new NewMessage(MessageKind.Inbound, request.Text ?? "", request.Html, storedId, request.Attachments);
        var currentId = await CurrentConversationAsync(db, contact.Value, ct);
        if (currentId is { } open)
        {
            var added = await ConversationCommands.AddMessageAsync(db, actor, now, open, message, ct);
            if (added.IsOk)
            {
                var (m, c, created) = added.Value;
                return (new InboundApiResult(m.Id, c.Id, c.Number, c.Display, created, false), m, c);
            }

            if (added.Error is not Conflict)
            {
                return added.Error!;
            }

            // Closed (or merged away) a moment ago: the message starts a new conversation.
            db.ChangeTracker.Clear();
            if (await RepeatAsync(db, storedId, ct) is { } raced)
            {
                return raced;
            }
        }

        var opened = await ConversationCommands.CreateAsync(db, actor, now,
            new CreateConversationRequest(Channel.Api, request.Subject, contact.Value.CustomerId, null, message, Priority.Normal, null, null, null, integration.TeamId), ct);
        if (!opened.IsOk)
        {
            return opened.Error!;
        }

        var detail = opened.Value.Detail;
        var conversationId = detail.Conversation.Id;
        var previous = contact.Value.ConversationId;
        var attached = await db.ApiContacts.Where(c => c.Id == contact.Value.Id && c.ConversationId == previous)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ConversationId, conversationId).SetProperty(c => c.UpdatedAt, now), ct);
        if (attached == 0 && opened.Value.Created)
        {
            // Another message of the same contact opened a conversation at the same moment: keep theirs, move this one there.
            var winner = await db.ApiContacts.AsNoTracking().Where(c => c.Id == contact.Value.Id).Select(c => c.ConversationId).FirstAsync(ct);
            if (winner is { } target && target != conversationId)
            {
                db.ChangeTracker.Clear();
                var merged = await ConversationCommands.MergeAsync(db, actor, now, conversationId, target, ct);
                if (merged.IsOk)
                {
                    var moved = await db.Messages.AsNoTracking().FirstAsync(m => m.ClientMessageId == storedId, ct);
                    return (new InboundApiResult(moved.Id, merged.Value.Id, merged.Value.Number, merged.Value.Display, true, false), MessageDto.From(moved), merged.Value);
                }
            }
        }

        var mine = detail.Messages.First(m => m.ClientMessageId == storedId);
        var conversation = detail.Conversation;
        return (new InboundApiResult(mine.Id, conversation.Id, conversation.Number, conversation.Display, opened.Value.Created, opened.Value.Created), mine, conversation);
    }

    /// <summary>The contact's conversation that new messages join: the current one (following merges) unless it is closed.</summary>
    private static async Task<Guid?> CurrentConversationAsync(KefuDbContext db, ApiContact contact, CancellationToken ct)
    {
        var id = contact.ConversationId;
        for (var hops = 0; hops < 5 && id is { } current; hops++)
        {
            var c = await db.Conversations.AsNoTracking().Where(x => x.Id == current).Select(x => new { x.Status, x.MergedIntoId, x.CustomerId }).FirstOrDefaultAsync(ct);
            if (c is null)
            {
                return null;
            }

            if (c.MergedIntoId is null)
            {
                return c.Status == ConversationStatus.Closed ? null : current;
            }

            id = c.MergedIntoId;
        }

        return null;
    }

    private static async Task<(InboundApiResult, MessageDto, ConversationDto)?> RepeatAsync(KefuDbContext db, string storedId, CancellationToken ct)
    {
        var existing = await db.Messages.AsNoTracking().FirstOrDefaultAsync(m => m.ClientMessageId == storedId, ct);
        if (existing is null || await ConversationQueries.SummaryAsync(db, existing.ConversationId, ct) is not { } c)
        {
            return null;
        }

        return (new InboundApiResult(existing.Id, c.Id, c.Number, c.Display, false, false), MessageDto.From(existing), c);
    }

    private static async Task<Result<ApiContact>> EnsureContactAsync(
        KefuDbContext db, Integration integration, string contactId, ApiContactInfo? info, DateTimeOffset now, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var existing = await db.ApiContacts.FirstOrDefaultAsync(c => c.IntegrationId == integration.Id && c.ContactId == contactId, ct);
            if (existing is not null)
            {
                // An agent may have merged the customer into another since: keep following the survivor.
                var mergedInto = await db.Customers.AsNoTracking().Where(c => c.Id == existing.CustomerId).Select(c => c.MergedIntoId).FirstOrDefaultAsync(ct);
                if (mergedInto is { } survivor)
                {
                    existing.LinkCustomer(survivor);
                    await db.SaveChangesAsync(ct);
                }

                return existing;
            }

            var actor = new Actor(ActorKind.Integration, integration.Id, integration.Name);
            var customer = await CustomerCommands.FindOrCreateAsync(db, actor, now,
                new CustomerRef(IdentityKind.External, integration.IdentitySource, contactId, info?.Name, info?.Language), ct);
            if (!customer.IsOk)
            {
                return customer.Error is Invalid ? Invalid.Field("contactId", $"is not a valid contact id: {customer.Error.Message}") : customer.Error!;
            }

            var owner = customer.Value.MergedIntoId ?? customer.Value.Id;
            var contact = ApiContact.Create(integration.Id, contactId, owner, now);
            db.ApiContacts.Add(contact);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e) && attempt < 3)
            {
                // Two first messages of one contact at once: the other request made the customer and contact.
                db.ChangeTracker.Clear();
                continue;
            }

            await AddDetailsAsync(db, actor, owner, info, now, ct);
            return contact;
        }
    }

    /// <summary>The contact's e-mail and phone become identities unless they already belong to someone else (then an agent merges by hand).</summary>
    private static async Task AddDetailsAsync(KefuDbContext db, Actor actor, Guid customerId, ApiContactInfo? info, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var (kind, value) in new[] { (IdentityKind.Email, info?.Email), (IdentityKind.Phone, info?.Phone) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                continue;
            }

            try
            {
                if (!(await CustomerCommands.AddIdentityAsync(db, actor, now, customerId, new NewIdentity(kind, null, value), ct)).IsOk)
                {
                    db.ChangeTracker.Clear();
                }
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}
