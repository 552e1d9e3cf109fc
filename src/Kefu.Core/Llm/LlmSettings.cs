using Kefu.Core.Common;

namespace Kefu.Core.Llm;

/// <summary>What an admin sets; <see cref="ApiKeyProtected"/> null keeps the stored key, "" removes it.</summary>
public sealed record LlmSettingsContent(
    bool Enabled, string? BaseUrl, string? Model, string? ApiKeyProtected, int TimeoutSeconds, int MaxTokens,
    bool GroundedAnswers, bool Summaries, bool Drafts, bool Translation);

/// <summary>The language-model features an agent or the bot may use now.</summary>
public enum LlmFeature
{
    GroundedAnswers,
    Summaries,
    Drafts,
    Translation,
}

/// <summary>
/// The workspace's optional language model: any OpenAI-compatible chat-completions endpoint (a base URL such as
/// https://api.openai.com/v1 or http://127.0.0.1:11434/v1 for Ollama, a model name and an API key). Off until an admin
/// turns it on; each feature can be switched on its own. One row. The API key is stored encrypted by the server
/// (Data Protection); this type only holds the protected text.
/// </summary>
public sealed class LlmSettings
{
    public const int RowId = 1;
    public const int MaxModel = 200;
    public const int MinTimeoutSeconds = 1;
    public const int MaxTimeoutSeconds = 300;
    public const int MinMaxTokens = 16;
    public const int MaxMaxTokens = 32_000;

    private LlmSettings()
    {
    }

    public int Id { get; private set; } = RowId;

    public bool Enabled { get; private set; }

    public string BaseUrl { get; private set; } = "";

    public string Model { get; private set; } = "";

    public string ApiKeyProtected { get; private set; } = "";

    public int TimeoutSeconds { get; private set; } = 20;

    public int MaxTokens { get; private set; } = 800;

    public bool GroundedAnswers { get; private set; } = true;

    public bool Summaries { get; private set; } = true;

    public bool Drafts { get; private set; } = true;

    public bool Translation { get; private set; } = true;

    public DateTimeOffset UpdatedAt { get; private set; }

    public bool HasApiKey => ApiKeyProtected.Length > 0;

    public static LlmSettings Default(DateTimeOffset now) => new() { UpdatedAt = now };

    public static LlmSettingsContent Defaults => ContentOf(Default(DateTimeOffset.UnixEpoch)) with { ApiKeyProtected = null };

    public static LlmSettingsContent ContentOf(LlmSettings s) =>
        new(s.Enabled, s.BaseUrl, s.Model, s.ApiKeyProtected, s.TimeoutSeconds, s.MaxTokens, s.GroundedAnswers, s.Summaries, s.Drafts, s.Translation);

    /// <summary>True when the model is on and the feature is switched on.</summary>
    public bool Allows(LlmFeature feature) => Enabled && feature switch
    {
        LlmFeature.GroundedAnswers => GroundedAnswers,
        LlmFeature.Summaries => Summaries,
        LlmFeature.Drafts => Drafts,
        LlmFeature.Translation => Translation,
    };

    /// <summary>Checks settings without applying them (a base URL and model are needed only to turn the model on).</summary>
    public static FieldErrors Validate(LlmSettingsContent c)
    {
        var errors = new FieldErrors();
        var url = c.BaseUrl?.Trim() ?? "";
        if (url.Length > Limits.Url)
        {
            errors.Add("baseUrl", $"must be at most {Limits.Url} characters.");
        }
        else if (url.Length > 0 && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Query.Length == 0 && uri.Fragment.Length == 0))
        {
            errors.Add("baseUrl", "must be an http or https URL without query, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1.");
        }
        else if (c.Enabled && url.Length == 0)
        {
            errors.Add("baseUrl", "is required to turn the language model on.");
        }

        var model = c.Model?.Trim() ?? "";
        if (model.Length > MaxModel)
        {
            errors.Add("model", $"must be at most {MaxModel} characters.");
        }
        else if (c.Enabled && model.Length == 0)
        {
            errors.Add("model", "is required to turn the language model on.");
        }

        if (c.TimeoutSeconds is < MinTimeoutSeconds or > MaxTimeoutSeconds)
        {
            errors.Add("timeoutSeconds", $"must be between {MinTimeoutSeconds} and {MaxTimeoutSeconds}.");
        }

        if (c.MaxTokens is < MinMaxTokens or > MaxMaxTokens)
        {
            errors.Add("maxTokens", $"must be between {MinMaxTokens} and {MaxMaxTokens}.");
        }

        return errors;
    }

    /// <summary>Applies settings and returns what changed (the key is reported as changed, never its value).</summary>
    public Result<IReadOnlyList<FieldChange>> Apply(LlmSettingsContent c, DateTimeOffset now)
    {
        if (Validate(c).ToError() is { } invalid)
        {
            return invalid;
        }

        var changes = new List<FieldChange>();
        void Set<T>(string field, T before, T after, Action<T> assign, bool secret = false)
        {
            if (!EqualityComparer<T>.Default.Equals(before, after))
            {
                changes.Add(secret
                    ? new FieldChange(field, before?.ToString() is { Length: > 0 } ? "(set)" : null, after?.ToString() is { Length: > 0 } ? "(set)" : null)
                    : new FieldChange(field, before?.ToString(), after?.ToString()));
                assign(after);
            }
        }

        Set("enabled", Enabled, c.Enabled, v => Enabled = v);
        Set("baseUrl", BaseUrl, c.BaseUrl?.Trim().TrimEnd('/') ?? "", v => BaseUrl = v);
        Set("model", Model, c.Model?.Trim() ?? "", v => Model = v);
        if (c.ApiKeyProtected is { } key)
        {
            Set("apiKey", ApiKeyProtected, key, v => ApiKeyProtected = v, secret: true);
        }

        Set("timeoutSeconds", TimeoutSeconds, c.TimeoutSeconds, v => TimeoutSeconds = v);
        Set("maxTokens", MaxTokens, c.MaxTokens, v => MaxTokens = v);
        Set("groundedAnswers", GroundedAnswers, c.GroundedAnswers, v => GroundedAnswers = v);
        Set("summaries", Summaries, c.Summaries, v => Summaries = v);
        Set("drafts", Drafts, c.Drafts, v => Drafts = v);
        Set("translation", Translation, c.Translation, v => Translation = v);
        UpdatedAt = now;
        return changes;
    }
}
