using Kefu.Core.Channels.Chat;
using Kefu.Core.Channels.WebForms;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Chat;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.WebForms;

public sealed record WebFormDto(
    Guid Id, string Name, string TitleEn, string TitleZh, string IntroEn, string IntroZh, Guid? TeamId, IReadOnlyList<string> Tags, bool IsActive,
    DateTimeOffset CreatedAt, string HostedUrl, string EmbedCode)
{
    public static WebFormDto From(WebForm f, string baseUrl) => new(
        f.Id, f.Name, f.TitleEn, f.TitleZh, f.IntroEn, f.IntroZh, f.TeamId, f.Tags, f.IsActive, f.CreatedAt, $"{baseUrl}/form/{f.Id}", Embed(baseUrl, f.Id));

    public static string Embed(string baseUrl, Guid id) =>
        $"<iframe src=\"{baseUrl}/form/{id}?embed=1\" title=\"Contact form\" style=\"width:100%;max-width:640px;height:760px;border:0\" loading=\"lazy\"></iframe>";
}

public sealed record CreateWebFormRequest(string? Name, string? TitleEn, string? TitleZh, string? IntroEn, string? IntroZh, Guid? TeamId, IReadOnlyList<string>? Tags);

public sealed record UpdateWebFormRequest
{
    public Optional<string> Name { get; init; }

    public Optional<string> TitleEn { get; init; }

    public Optional<string> TitleZh { get; init; }

    public Optional<string> IntroEn { get; init; }

    public Optional<string> IntroZh { get; init; }

    public Optional<Guid?> TeamId { get; init; }

    public Optional<IReadOnlyList<string>> Tags { get; init; }

    public Optional<bool> IsActive { get; init; }

    public WebFormSettings Over(WebForm f) => new(
        Name.HasValue ? Name.Value : f.Name, TitleEn.HasValue ? TitleEn.Value : f.TitleEn, TitleZh.HasValue ? TitleZh.Value : f.TitleZh,
        IntroEn.HasValue ? IntroEn.Value : f.IntroEn, IntroZh.HasValue ? IntroZh.Value : f.IntroZh, TeamId.HasValue ? TeamId.Value : f.TeamId,
        Tags.HasValue ? Tags.Value : f.Tags, IsActive.HasValue ? IsActive.Value : f.IsActive);
}

/// <summary>What a visitor typed into a form (and the upload, if any).</summary>
public sealed record WebFormSubmission(string? Name, string? Email, string? Subject, string? Message, string? Language, string? FileName, string? FileType, byte[]? File);

public static class WebFormCommands
{
    public static async Task<Result<WebForm>> CreateAsync(KefuDbContext db, Actor actor, DateTimeOffset now, CreateWebFormRequest r, CancellationToken ct)
    {
        var d = WebForm.Default(r.Name);
        var errors = new FieldErrors();
        await References.CheckAsync(db, errors, null, null, r.TeamId, ct);
        var created = WebForm.Create(Guid.CreateVersion7(now),
            new WebFormSettings(r.Name, r.TitleEn ?? d.TitleEn, r.TitleZh ?? d.TitleZh, r.IntroEn ?? d.IntroEn, r.IntroZh ?? d.IntroZh, r.TeamId, r.Tags ?? []), now);
        if (errors.Include(created.Error).ToError() is { } invalid)
        {
            return invalid;
        }

        db.WebForms.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(actor, now, "web_form", created.Value.Id, "created", new("name", null, created.Value.Name)));
        await db.SaveChangesAsync(ct);
        return created.Value;
    }

    public static async Task<Result<WebForm>> UpdateAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, Func<WebForm, WebFormSettings> settings, CancellationToken ct)
    {
        var form = await db.WebForms.FirstOrDefaultAsync(f => f.Id == id, ct);
        if (form is null)
        {
            return new NotFound("Web form", id.ToString());
        }

        var next = settings(form);
        var errors = new FieldErrors();
        await References.CheckAsync(db, errors, null, null, next.TeamId, ct);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = form.Apply(next);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "web_form", id, changes.Value));
        await db.SaveChangesAsync(ct);
        return form;
    }

    /// <summary>A submission: validated field by field (names as in the HTML form), then a web-form conversation for the customer with that e-mail.</summary>
    public static async Task<Result<ConversationDetail>> SubmitAsync(KefuDbContext db, WebForm form, WebFormSubmission s, DateTimeOffset now, CancellationToken ct)
    {
        var errors = new FieldErrors()
            .MaxLength("name", s.Name, Limits.Name)
            .Required("email", s.Email, Limits.Email)
            .MaxLength("subject", s.Subject, Limits.Subject)
            .Required("message", s.Message, WebForm.MaxMessage);
        if (!string.IsNullOrWhiteSpace(s.Email) && !CustomerIdentity.Normalize(IdentityKind.Email, null, s.Email).IsOk)
        {
            errors.Add("email", "must be an e-mail address such as name@example.com.");
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        List<Attachment>? files = null;
        if (s.File is { Length: > 0 })
        {
            var saved = await FileStore.SaveAsync(db, s.File, s.FileName, s.FileType, ChatInbox.DefaultMaxUploadBytes, ChatInbox.DefaultFileTypes, now, ct);
            if (!saved.IsOk)
            {
                return Invalid.Field("file", saved.Error!.Message);
            }

            files = [saved.Value];
        }

        var actor = new Actor(ActorKind.Customer, null, string.IsNullOrWhiteSpace(s.Name) ? s.Email!.Trim() : s.Name.Trim());
        var created = await ConversationCommands.CreateAsync(db, actor, now,
            new CreateConversationRequest(Channel.WebForm, string.IsNullOrWhiteSpace(s.Subject) ? null : s.Subject.Trim(), null,
                new CustomerRef(IdentityKind.Email, null, s.Email, string.IsNullOrWhiteSpace(s.Name) ? null : s.Name.Trim(), s.Language),
                new NewMessage(MessageKind.Inbound, s.Message!.Trim(), null, null, files), Priority.Normal, null, form.Tags, null, form.TeamId), ct);
        return created.IsOk ? created.Value.Detail : created.Error!;
    }
}
