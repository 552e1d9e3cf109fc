using Kefu.Core.Common;

namespace Kefu.Core.Channels.WebForms;

public sealed record WebFormSettings(
    string? Name, string? TitleEn, string? TitleZh, string? IntroEn, string? IntroZh, Guid? TeamId, IReadOnlyList<string>? Tags, bool IsActive = true);

/// <summary>A hosted contact form (/form/{id}, also embeddable in an iframe): each submission opens a web-form conversation.</summary>
public sealed class WebForm
{
    public const int MaxMessage = 10_000;

    private WebForm()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public string TitleEn { get; private set; } = "";

    public string TitleZh { get; private set; } = "";

    public string IntroEn { get; private set; } = "";

    public string IntroZh { get; private set; } = "";

    public Guid? TeamId { get; private set; }

    public List<string> Tags { get; private set; } = [];

    public bool IsActive { get; private set; } = true;

    public DateTimeOffset CreatedAt { get; private set; }

    public static WebFormSettings Default(string? name) =>
        new(name, "Contact us", "联系我们", "Tell us how we can help; we will reply by e-mail.", "请告诉我们您需要什么帮助，我们会通过邮件回复您。", null, []);

    public static Result<WebForm> Create(Guid id, WebFormSettings settings, DateTimeOffset now)
    {
        var form = new WebForm { Id = id, CreatedAt = now };
        var applied = form.Apply(settings);
        return applied.IsOk ? form : applied.Error!;
    }

    public Result<IReadOnlyList<FieldChange>> Apply(WebFormSettings s)
    {
        var errors = new FieldErrors()
            .Required("name", s.Name, Limits.Name)
            .Required("titleEn", s.TitleEn, Limits.Name)
            .Required("titleZh", s.TitleZh, Limits.Name)
            .MaxLength("introEn", s.IntroEn, Limits.Description)
            .MaxLength("introZh", s.IntroZh, Limits.Description)
            .Tags("tags", s.Tags);
        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        void Set(string field, string before, string after, Action<string> apply)
        {
            if (before != after)
            {
                changes.Add(new(field, before, after));
                apply(after);
            }
        }

        Set("name", Name, s.Name!.Trim(), v => Name = v);
        Set("titleEn", TitleEn, s.TitleEn!.Trim(), v => TitleEn = v);
        Set("titleZh", TitleZh, s.TitleZh!.Trim(), v => TitleZh = v);
        Set("introEn", IntroEn, s.IntroEn?.Trim() ?? "", v => IntroEn = v);
        Set("introZh", IntroZh, s.IntroZh?.Trim() ?? "", v => IntroZh = v);
        if (s.TeamId != TeamId)
        {
            changes.Add(new("teamId", TeamId?.ToString(), s.TeamId?.ToString()));
            TeamId = s.TeamId;
        }

        var tags = Common.Tags.Normalize(s.Tags ?? []);
        if (!tags.SequenceEqual(Tags))
        {
            changes.Add(new("tags", Common.Tags.Format(Tags), Common.Tags.Format(tags)));
            Tags = tags;
        }

        if (s.IsActive != IsActive)
        {
            changes.Add(new("isActive", IsActive.ToString(), s.IsActive.ToString()));
            IsActive = s.IsActive;
        }

        return changes;
    }

    public string Title(bool chinese) => chinese ? TitleZh : TitleEn;

    public string Intro(bool chinese) => chinese ? IntroZh : IntroEn;
}
