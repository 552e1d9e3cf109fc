using Kefu.Core.Common;

namespace Kefu.Core.Channels.Chat;

public enum WidgetPosition
{
    Right,
    Left,
}

/// <summary>
/// A web-chat inbox: how its widget looks and behaves on the websites that embed it. The secret signs visitor
/// tokens' identity claims (HMAC of the site's own user id, as Intercom and Chatwoot do).
/// </summary>
public sealed class ChatInbox
{
    public const long DefaultMaxUploadBytes = 10 * 1024 * 1024;

    public static readonly IReadOnlyList<string> DefaultFileTypes =
        ["image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain"];

    private ChatInbox()
    {
    }

    public Guid Id { get; private set; }

    public string Name { get; private set; } = "";

    public string TitleEn { get; private set; } = "";

    public string TitleZh { get; private set; } = "";

    public string GreetingEn { get; private set; } = "";

    public string GreetingZh { get; private set; } = "";

    /// <summary>The widget's main colour, #rrggbb.</summary>
    public string Color { get; private set; } = "#594ae2";

    public WidgetPosition Position { get; private set; }

    /// <summary>Languages the widget offers, first is the default: "zh-CN", "en".</summary>
    public List<string> Languages { get; private set; } = [];

    public bool PreChatForm { get; private set; }

    public bool PreChatRequireEmail { get; private set; }

    public long MaxUploadBytes { get; private set; } = DefaultMaxUploadBytes;

    public List<string> AllowedFileTypes { get; private set; } = [];

    /// <summary>Websites allowed to embed the widget (origins such as https://shop.example.com); empty allows any.</summary>
    public List<string> AllowedOrigins { get; private set; } = [];

    /// <summary>New chats go to this team.</summary>
    public Guid? TeamId { get; private set; }

    /// <summary>The business hours the widget is online in (with an agent available); none: whenever an agent is.</summary>
    public Guid? CalendarId { get; private set; }

    /// <summary>Hex HMAC key for identity verification. Shown to admins, never to visitors.</summary>
    public string Secret { get; private set; } = "";

    public bool IsActive { get; private set; } = true;

    public DateTimeOffset CreatedAt { get; private set; }

    public string Title(string language) => IsChinese(language) ? TitleZh : TitleEn;

    public string Greeting(string language) => IsChinese(language) ? GreetingZh : GreetingEn;

    public static bool IsChinese(string? language) => language?.StartsWith("zh", StringComparison.OrdinalIgnoreCase) == true;

    public static Result<ChatInbox> Create(Guid id, ChatInboxSettings settings, string secret, DateTimeOffset now)
    {
        var inbox = new ChatInbox { Id = id, Secret = secret, CreatedAt = now };
        var applied = inbox.Apply(settings);
        return applied.IsOk ? inbox : applied.Error!;
    }

    public Result<IReadOnlyList<FieldChange>> Apply(ChatInboxSettings s)
    {
        var errors = new FieldErrors()
            .Required("name", s.Name, Limits.Name)
            .Required("titleEn", s.TitleEn, Limits.Name)
            .Required("titleZh", s.TitleZh, Limits.Name)
            .MaxLength("greetingEn", s.GreetingEn, Limits.Description)
            .MaxLength("greetingZh", s.GreetingZh, Limits.Description);
        if (s.Color is null || s.Color.Length != 7 || s.Color[0] != '#' || !s.Color[1..].All(char.IsAsciiHexDigit))
        {
            errors.Add("color", "must be a colour such as #594ae2.");
        }

        if (s.Languages is not { Count: > 0 } || s.Languages.Any(l => l is not ("en" or "zh-CN")))
        {
            errors.Add("languages", "must list one or both of \"zh-CN\" and \"en\"; the first is the default.");
        }

        if (s.MaxUploadBytes is < 1 or > 50 * 1024 * 1024)
        {
            errors.Add("maxUploadBytes", "must be between 1 byte and 50 MiB.");
        }

        if (s.AllowedFileTypes is null || s.AllowedFileTypes.Any(t => !t.Contains('/') || t.Length > Limits.ContentType))
        {
            errors.Add("allowedFileTypes", "must be a list of MIME types such as image/png.");
        }

        foreach (var origin in s.AllowedOrigins ?? [])
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
            {
                errors.Add("allowedOrigins", $"'{origin}' is not an origin such as https://shop.example.com.");
            }
        }

        if (errors.ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        void Set<T>(string field, T before, T after, Action<T> apply)
        {
            if (!EqualityComparer<T>.Default.Equals(before, after))
            {
                changes.Add(new(field, before?.ToString(), after?.ToString()));
                apply(after);
            }
        }

        Set("name", Name, s.Name!.Trim(), v => Name = v);
        Set("titleEn", TitleEn, s.TitleEn!.Trim(), v => TitleEn = v);
        Set("titleZh", TitleZh, s.TitleZh!.Trim(), v => TitleZh = v);
        Set("greetingEn", GreetingEn, s.GreetingEn?.Trim() ?? "", v => GreetingEn = v);
        Set("greetingZh", GreetingZh, s.GreetingZh?.Trim() ?? "", v => GreetingZh = v);
        Set("color", Color, s.Color!.ToLowerInvariant(), v => Color = v);
        Set("position", Position, s.Position, v => Position = v);
        Set("languages", string.Join(",", Languages), string.Join(",", s.Languages!), _ => Languages = s.Languages!.Distinct().ToList());
        Set("preChatForm", PreChatForm, s.PreChatForm, v => PreChatForm = v);
        Set("preChatRequireEmail", PreChatRequireEmail, s.PreChatRequireEmail, v => PreChatRequireEmail = v);
        Set("maxUploadBytes", MaxUploadBytes, s.MaxUploadBytes, v => MaxUploadBytes = v);
        Set("allowedFileTypes", string.Join(",", AllowedFileTypes), string.Join(",", s.AllowedFileTypes!), _ => AllowedFileTypes = s.AllowedFileTypes!.Distinct().ToList());
        Set("allowedOrigins", string.Join(",", AllowedOrigins), string.Join(",", s.AllowedOrigins ?? []), _ => AllowedOrigins = (s.AllowedOrigins ?? []).Select(o => o.TrimEnd('/')).Distinct().ToList());
        Set("teamId", TeamId, s.TeamId, v => TeamId = v);
        Set("calendarId", CalendarId, s.CalendarId, v => CalendarId = v);
        Set("isActive", IsActive, s.IsActive, v => IsActive = v);
        return changes;
    }

    public void RotateSecret(string secret) => Secret = secret;
}

public sealed record ChatInboxSettings(
    string? Name, string? TitleEn, string? TitleZh, string? GreetingEn, string? GreetingZh, string? Color, WidgetPosition Position,
    IReadOnlyList<string>? Languages, bool PreChatForm, bool PreChatRequireEmail, long MaxUploadBytes,
    IReadOnlyList<string>? AllowedFileTypes, IReadOnlyList<string>? AllowedOrigins, Guid? TeamId, bool IsActive = true, Guid? CalendarId = null)
{
    public static ChatInboxSettings Default(string name) => new(
        name, "Chat with us", "在线客服", "Hi! How can we help you today?", "您好！请问有什么可以帮您？", "#594ae2", WidgetPosition.Right,
        ["zh-CN", "en"], false, false, ChatInbox.DefaultMaxUploadBytes, ChatInbox.DefaultFileTypes, [], null);
}
