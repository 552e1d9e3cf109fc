using System.Security.Claims;
using Kefu.Core.Channels.Email;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Email;

/// <summary>Admins configure e-mail inboxes, test their connections, and look at their mail log (quarantine, bounces).</summary>
public static class EmailInboxEndpoints
{
    public static void MapEmailInboxEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/email-inboxes").WithTags("E-mail inboxes").RequireAuthorization(Policies.Admin);
        group.MapGet("", List).WithSummary("List the e-mail inboxes (admins). Passwords are never returned.");
        group.MapPost("", Create).WithSummary("Create an e-mail inbox (admins): IMAP to read, SMTP to answer; passwords are stored encrypted.");
        group.MapGet("/{id:guid}", Get).WithSummary("Get an e-mail inbox (admins).");
        group.MapPut("/{id:guid}", Update).WithSummary("Replace an inbox's settings (admins); an omitted password keeps the stored one.");
        group.MapPost("/test-connection", Test)
            .WithSummary("Try the IMAP and SMTP settings (admins): signs in, opens the folder; a blank password uses the stored one of inboxId.");
        group.MapPost("/{id:guid}/check", Check).WithSummary("Fetch new mail from this inbox now (admins); returns how many mails were taken in.");
        group.MapGet("/{id:guid}/mails", Mails)
            .WithSummary("The inbox's mail log, newest first (admins); status=quarantined lists the quarantine, with a link to each original.");
    }

    private static async Task<Ok<List<EmailInboxDto>>> List(KefuDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.EmailInboxes.AsNoTracking().OrderBy(i => i.CreatedAt).ToListAsync(ct)).Select(EmailInboxDto.From).ToList());

    private static async Task<Results<Ok<EmailInboxDto>, ProblemHttpResult>> Get(Guid id, KefuDbContext db, CancellationToken ct) =>
        await db.EmailInboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } inbox
            ? TypedResults.Ok(EmailInboxDto.From(inbox))
            : Problems.From(new NotFound("E-mail inbox", id.ToString()));

    private static async Task<Results<Created<EmailInboxDto>, ProblemHttpResult>> Create(
        EmailInboxRequest r, KefuDbContext db, MailSecrets secrets, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var created = await EmailInboxCommands.CreateAsync(db, secrets, user.ToActor(), clock.GetUtcNow(), r, ct);
        return created.IsOk
            ? TypedResults.Created($"/api/v1/email-inboxes/{created.Value.Id}", EmailInboxDto.From(created.Value))
            : Problems.From(created.Error!);
    }

    private static async Task<Results<Ok<EmailInboxDto>, ProblemHttpResult>> Update(
        Guid id, EmailInboxRequest r, KefuDbContext db, MailSecrets secrets, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var updated = await EmailInboxCommands.UpdateAsync(db, secrets, user.ToActor(), clock.GetUtcNow(), id, r, ct);
        return updated.IsOk ? TypedResults.Ok(EmailInboxDto.From(updated.Value)) : Problems.From(updated.Error!);
    }

    private static async Task<Ok<ConnectionTestResult>> Test(ConnectionTestRequest r, KefuDbContext db, MailSecrets secrets, CancellationToken ct) =>
        TypedResults.Ok(await EmailInboxCommands.TestAsync(db, secrets, r, ct));

    private static async Task<Results<Ok<CheckResult>, ProblemHttpResult>> Check(Guid id, ImapReader reader, CancellationToken ct)
    {
        var result = await reader.CheckNowAsync(id, ct);
        return result.IsOk ? TypedResults.Ok(result.Value) : Problems.From(result.Error!);
    }

    private static async Task<Results<Ok<List<EmailMessageDto>>, ProblemHttpResult>> Mails(Guid id, string? status, int? limit, KefuDbContext db, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var wanted = Wire.Enum<MailStatus>(status, "status", errors);
        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        var query = db.EmailMessages.AsNoTracking().Where(m => m.InboxId == id);
        if (wanted is { } s)
        {
            query = query.Where(m => m.Status == s);
        }

        var rows = await query.OrderByDescending(m => m.CreatedAt).Take(Math.Clamp(limit ?? 50, 1, 500)).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(EmailMessageDto.From).ToList());
    }
}
