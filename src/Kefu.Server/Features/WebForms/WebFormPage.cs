using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Kefu.Core.Channels.WebForms;
using Microsoft.Extensions.Localization;

namespace Kefu.Server.Features.WebForms;

/// <summary>
/// The hosted contact form as plain server-rendered HTML: it works without JavaScript, in a page of its own or in an
/// iframe on the customer's website. Website is a honeypot field, hidden from people, that bots fill in.
/// </summary>
public static class WebFormPage
{
    public const string Honeypot = "website";

    public sealed record Values(string? Name, string? Email, string? Subject, string? Message);

    public static string Form(WebForm form, IStringLocalizer l, bool chinese, bool embed, Values values, IReadOnlyDictionary<string, string[]> errors)
    {
        var html = new StringBuilder();
        Head(html, form.Title(chinese), chinese, embed);
        html.Append("<h1>").Append(E(form.Title(chinese))).Append("</h1>");
        if (form.Intro(chinese) is { Length: > 0 } intro)
        {
            html.Append("<p class=\"intro\">").Append(E(intro)).Append("</p>");
        }

        if (errors.Count > 0)
        {
            html.Append("<p class=\"alert\" role=\"alert\">").Append(E(l["FormCheckFields"])).Append("</p>");
        }

        var action = $"/form/{form.Id}?lang={(chinese ? "zh-CN" : "en")}{(embed ? "&embed=1" : "")}";
        html.Append("<form method=\"post\" enctype=\"multipart/form-data\" action=\"").Append(E(action)).Append("\" novalidate>");
        Field(html, l, errors, "name", l["FormName"], "text", values.Name, required: false, "name");
        Field(html, l, errors, "email", l["FormEmail"], "email", values.Email, required: true, "email");
        Field(html, l, errors, "subject", l["FormSubject"], "text", values.Subject, required: false, "off");
        html.Append("<label for=\"f-message\">").Append(E(l["FormMessage"])).Append(" <span class=\"req\">*</span></label>")
            .Append("<textarea id=\"f-message\" name=\"message\" rows=\"7\" required maxlength=\"").Append(WebForm.MaxMessage).Append("\" data-testid=\"form-message\">")
            .Append(E(values.Message ?? "")).Append("</textarea>");
        Errors(html, l, errors, "message");
        html.Append("<label for=\"f-file\">").Append(E(l["FormFile"])).Append("</label>")
            .Append("<input id=\"f-file\" type=\"file\" name=\"file\" accept=\"image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain\">");
        Errors(html, l, errors, "file");
        // People never see or fill this; a bot that fills every field gives itself away.
        html.Append("<div class=\"hp\" aria-hidden=\"true\"><label for=\"f-website\">Website</label><input id=\"f-website\" name=\"").Append(Honeypot)
            .Append("\" type=\"text\" tabindex=\"-1\" autocomplete=\"off\"></div>");
        html.Append("<button type=\"submit\" data-testid=\"form-submit\">").Append(E(l["FormSend"])).Append("</button></form>");
        Foot(html, form, chinese, embed);
        return html.ToString();
    }

    public static string Thanks(WebForm form, IStringLocalizer l, bool chinese, bool embed, string? reference)
    {
        var html = new StringBuilder();
        Head(html, form.Title(chinese), chinese, embed);
        html.Append("<h1>").Append(E(form.Title(chinese))).Append("</h1><p class=\"done\" role=\"status\" data-testid=\"form-thanks\">").Append(E(l["FormThanks"])).Append("</p>");
        if (!string.IsNullOrEmpty(reference))
        {
            html.Append("<p data-testid=\"form-reference\">").Append(E(string.Format(CultureInfo.InvariantCulture, l["FormReference"], reference))).Append("</p>");
        }

        html.Append("<p><a href=\"/form/").Append(form.Id).Append("?lang=").Append(chinese ? "zh-CN" : "en").Append(embed ? "&amp;embed=1" : "").Append("\">")
            .Append(E(l["FormAnother"])).Append("</a></p>");
        Foot(html, form, chinese, embed);
        return html.ToString();
    }

    public static string Message(string title, string text, bool chinese)
    {
        var html = new StringBuilder();
        Head(html, title, chinese, embed: true);
        html.Append("<h1>").Append(E(title)).Append("</h1><p class=\"alert\" role=\"alert\">").Append(E(text)).Append("</p></main></body></html>");
        return html.ToString();
    }

    private static void Field(StringBuilder html, IStringLocalizer l, IReadOnlyDictionary<string, string[]> errors, string name, string label, string type, string? value, bool required, string autocomplete)
    {
        html.Append("<label for=\"f-").Append(name).Append("\">").Append(E(label));
        if (required)
        {
            html.Append(" <span class=\"req\">*</span>");
        }

        html.Append("</label><input id=\"f-").Append(name).Append("\" name=\"").Append(name).Append("\" type=\"").Append(type)
            .Append("\" autocomplete=\"").Append(autocomplete).Append("\" value=\"").Append(E(value ?? "")).Append("\" data-testid=\"form-").Append(name).Append('"')
            .Append(required ? " required" : "").Append(errors.ContainsKey(name) ? " aria-invalid=\"true\"" : "").Append('>');
        Errors(html, l, errors, name);
    }

    private static void Errors(StringBuilder html, IStringLocalizer l, IReadOnlyDictionary<string, string[]> errors, string name)
    {
        foreach (var message in errors.GetValueOrDefault(name) ?? [])
        {
            var text = message == "is required." ? l["FormRequired"].Value : message.Contains("e-mail address", StringComparison.Ordinal) ? l["FormEmailInvalid"].Value : message;
            html.Append("<p class=\"err\" data-testid=\"form-error-").Append(name).Append("\">").Append(E(text)).Append("</p>");
        }
    }

    private static void Head(StringBuilder html, string title, bool chinese, bool embed) => html
        .Append("<!DOCTYPE html><html lang=\"").Append(chinese ? "zh-CN" : "en").Append("\"><head><meta charset=\"utf-8\">")
        .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>").Append(E(title)).Append("</title><style>")
        .Append("body{font:16px/1.5 system-ui,-apple-system,'PingFang SC','Microsoft YaHei','WenQuanYi Zen Hei',sans-serif;margin:0;background:")
        .Append(embed ? "transparent" : "#f5f5f7").Append(";color:#1d1d1f}main{max-width:600px;margin:0 auto;padding:")
        .Append(embed ? "8px" : "32px 16px").Append("}h1{font-size:1.5em;margin:0 0 .5em}label{display:block;font-weight:600;margin:1em 0 .3em}")
        .Append("input,textarea{box-sizing:border-box;width:100%;padding:.6em;border:1px solid #c7c7cc;border-radius:8px;font:inherit;background:#fff}")
        .Append("[aria-invalid=true]{border-color:#d70015}.err,.alert{color:#d70015}.req{color:#d70015}.done{color:#1b7f3b;font-weight:600}")
        .Append("button{margin-top:1.2em;padding:.7em 1.6em;border:0;border-radius:8px;background:#594ae2;color:#fff;font:inherit;cursor:pointer}")
        .Append(".hp{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}.lang{font-size:.85em;margin-top:2em;color:#6e6e73}a{color:#594ae2}")
        .Append("</style></head><body><main>");

    private static void Foot(StringBuilder html, WebForm form, bool chinese, bool embed) => html
        .Append("<p class=\"lang\"><a href=\"/form/").Append(form.Id).Append("?lang=").Append(chinese ? "en" : "zh-CN").Append(embed ? "&amp;embed=1" : "").Append("\" data-testid=\"form-language\">")
        .Append(chinese ? "English" : "中文").Append("</a></p></main></body></html>");

    // Chinese stays readable in the page source; markup characters are still encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);

    private static string E(string text) => Encoder.Encode(text);
}
