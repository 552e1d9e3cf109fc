using Kefu.Core.Common;

namespace Kefu.Core.Webhooks;

/// <summary>Validation shared by everything Kefu delivers to: an absolute http(s) URL without credentials.</summary>
public static class Endpoint
{
    public static FieldErrors CheckUrl(this FieldErrors errors, string field, string? url, bool required)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return required ? errors.Add(field, "is required.") : errors;
        }

        if (url.Length > Limits.Url)
        {
            return errors.Add(field, $"must be at most {Limits.Url} characters.");
        }

        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return errors.Add(field, "must be an absolute http:// or https:// URL such as https://gateway.example.com/kefu (no user:password@, no #fragment).");
        }

        return errors;
    }
}
