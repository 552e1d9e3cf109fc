using System.ComponentModel.DataAnnotations;
using Kefu.Server.Jobs;

namespace Kefu.Server.Features.Email;

/// <summary>Section "Email": the reader and the size limits of received mail.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>Read the inboxes in the background (IDLE/polling). Off: mail is fetched only by "check now".</summary>
    public bool ReaderEnabled { get; set; } = true;

    /// <summary>Seconds between looks for new, changed or removed inboxes.</summary>
    [Range(1, 3600)]
    public int RefreshSeconds { get; set; } = 15;

    /// <summary>Larger mails are quarantined with their headers only.</summary>
    [Range(1024, 1L << 31)]
    public long MaxMailBytes { get; set; } = 30 * 1024 * 1024;

    /// <summary>Larger attachments are named in the message and kept only in the original mail.</summary>
    [Range(1024, 1L << 31)]
    public long MaxAttachmentBytes { get; set; } = 20 * 1024 * 1024;
}

public static class EmailSetup
{
    public static void AddKefuEmail(this IServiceCollection services)
    {
        MailParser.EnsureEncodings();
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<MailSecrets>();
        services.AddSingleton<ImapReader>();
        services.AddHostedService(sp => sp.GetRequiredService<ImapReader>());
        services.AddJobHandler<EmailSendJob>(EmailOutbox.SendJob);
    }

    public static void MapKefuEmail(this WebApplication app) => app.MapEmailInboxEndpoints();
}
