using Kefu.Server.Infrastructure;
using System.Net.Sockets;
using Kefu.Core.Channels.Email;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.AspNetCore.DataProtection;

namespace Kefu.Server.Features.Email;

/// <summary>Mail passwords (see <see cref="StoredSecrets"/>).</summary>
public sealed class MailSecrets(IDataProtectionProvider provider) : StoredSecrets(provider, "Kefu.Email.Passwords.v1");

/// <summary>Where and how to reach one mail server.</summary>
public sealed record MailEndpoint(string Host, int Port, MailSecurity Security, string User, string Password);

/// <summary>The outcome of a connection test, per side, in words an admin can act on.</summary>
public sealed record ConnectionCheck(bool Ok, string Message);

public sealed record ConnectionTestResult(ConnectionCheck Imap, ConnectionCheck Smtp)
{
    public bool Ok => Imap.Ok && Smtp.Ok;
}

/// <summary>Opens IMAP and SMTP connections with MailKit, and tests them for the admin page.</summary>
public static class MailConnections
{
    public const int TimeoutMs = 30_000;

    public static SecureSocketOptions Socket(MailSecurity security) => security switch
    {
        MailSecurity.Auto => SecureSocketOptions.Auto,
        MailSecurity.None => SecureSocketOptions.None,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
    };

    public static MailEndpoint Imap(EmailInbox inbox, MailSecrets secrets) =>
        new(inbox.ImapHost, inbox.ImapPort, inbox.ImapSecurity, inbox.ImapUser, secrets.Unprotect(inbox.ImapPasswordProtected));

    public static MailEndpoint Smtp(EmailInbox inbox, MailSecrets secrets) =>
        new(inbox.SmtpHost, inbox.SmtpPort, inbox.SmtpSecurity, inbox.SmtpUser, secrets.Unprotect(inbox.SmtpPasswordProtected));

    public static async Task<ImapClient> OpenImapAsync(MailEndpoint endpoint, CancellationToken ct)
    {
        var client = new ImapClient { Timeout = TimeoutMs };
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, Socket(endpoint.Security), ct);
            await client.AuthenticateAsync(endpoint.User, endpoint.Password, ct);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public static async Task<SmtpClient> OpenSmtpAsync(MailEndpoint endpoint, CancellationToken ct)
    {
        var client = new SmtpClient { Timeout = TimeoutMs };
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, Socket(endpoint.Security), ct);
            if (endpoint.User.Length > 0)
            {
                await client.AuthenticateAsync(endpoint.User, endpoint.Password, ct);
            }

            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public static async Task<ConnectionTestResult> TestAsync(MailEndpoint imap, string folder, MailEndpoint smtp, CancellationToken ct)
    {
        var imapCheck = await CheckAsync("IMAP", imap, async () =>
        {
            using var client = await OpenImapAsync(imap, ct);
            var mailFolder = await client.GetFolderAsync(folder, ct);
            await mailFolder.OpenAsync(FolderAccess.ReadOnly, ct);
            var idle = client.Capabilities.HasFlag(ImapCapabilities.Idle) ? "IDLE" : "polling (no IDLE)";
            var message = $"Signed in to {imap.Host}:{imap.Port}; folder '{mailFolder.FullName}' has {mailFolder.Count} messages; new mail by {idle}.";
            await client.DisconnectAsync(true, ct);
            return message;
        });
        var smtpCheck = await CheckAsync("SMTP", smtp, async () =>
        {
            using var client = await OpenSmtpAsync(smtp, ct);
            var message = smtp.User.Length > 0 ? $"Signed in to {smtp.Host}:{smtp.Port}." : $"Connected to {smtp.Host}:{smtp.Port} (no sign-in configured).";
            await client.DisconnectAsync(true, ct);
            return message;
        });
        return new ConnectionTestResult(imapCheck, smtpCheck);
    }

    private static async Task<ConnectionCheck> CheckAsync(string side, MailEndpoint endpoint, Func<Task<string>> run)
    {
        try
        {
            return new ConnectionCheck(true, await run());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ConnectionCheck(false, $"{side}: {Describe(e, endpoint)}");
        }
    }

    /// <summary>An error in words: what failed and what to check.</summary>
    public static string Describe(Exception e, MailEndpoint endpoint) => e switch
    {
        SocketException s => $"cannot connect to {endpoint.Host}:{endpoint.Port} ({s.SocketErrorCode}). Check the host name, the port and the firewall.",
        AuthenticationException => $"the server refused the user name or password for {endpoint.User}.",
        SslHandshakeException => $"the secure connection to {endpoint.Host}:{endpoint.Port} failed (certificate or TLS mode). Check the security setting for this port.",
        FolderNotFoundException f => $"the folder '{f.FolderName}' does not exist.",
        ImapCommandException i => $"the server answered {i.Response}: {i.ResponseText}",
        SmtpCommandException c => $"the server answered {(int)c.StatusCode}: {c.Message}",
        ProtocolException p => $"the server broke the protocol: {p.Message}",
        TimeoutException or IOException => $"no answer from {endpoint.Host}:{endpoint.Port} ({e.Message}).",
        NotSupportedException => $"{e.Message} Check the security setting.",
        _ => e.Message,
    };
}
