using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace Kefu.Bench;

/// <summary>
/// Inbound e-mail through the whole pipeline: N generated mails (plain, GBK, with an attachment; a third of them
/// replies that thread by ticket number) are APPENDed to a fresh IMAP folder; the ceiling is the raw IMAP fetch of
/// the same mails on one connection; then Kefu takes them in (POST …/check: fetch, MIME parse, filters, threading,
/// customer lookup, attachments, one transaction per mail) and the rate is mails per second.
/// </summary>
public static class MailIngestBench
{
    public static async Task<string> RunAsync(string database, Uri server, string email, string password, string host, string user, string mailPassword, int count)
    {
        var folder = "bench" + Guid.NewGuid().ToString("N")[..10];
        using (var imap = await OpenAsync(host, user, mailPassword))
        {
            var target = await imap.GetFolder(imap.PersonalNamespaces[0]).CreateAsync(folder, true) ?? throw new InvalidOperationException("no folder");
            var batch = new List<IAppendRequest>();
            for (var i = 0; i < count; i++)
            {
                batch.Add(new AppendRequest(Mail(i, folder)));
                if (batch.Count == 100 || i == count - 1)
                {
                    await target.AppendAsync(batch);
                    batch.Clear();
                }
            }
        }

        // The ceiling: the same mails fetched raw over one IMAP connection, nothing else done with them.
        var fetch = Stopwatch.StartNew();
        long bytes = 0;
        using (var imap = await OpenAsync(host, user, mailPassword))
        {
            var target = await imap.GetFolderAsync(folder);
            await target.OpenAsync(FolderAccess.ReadOnly);
            foreach (var uid in await target.SearchAsync(MailKit.Search.SearchQuery.All))
            {
                using var stream = await target.GetStreamAsync(uid);
                using var buffer = new MemoryStream();
                await stream.CopyToAsync(buffer);
                bytes += buffer.Length;
            }
        }

        fetch.Stop();

        var token = await ApiLoad.CreateTokenAsync(await ApiLoad.SignInAsync(server, email, password), "bench-mail", ["admin", "conversations:read"]);
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromMinutes(30) };
        http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        using var created = await http.PostAsJsonAsync("/api/v1/email-inboxes", new
        {
            name = "bench " + folder, address = $"{user}+{folder}@localhost", imapHost = host, imapPort = 143, imapSecurity = "none", imapUser = user,
            imapPassword = mailPassword, imapFolder = folder, smtpHost = host, smtpPort = 25, smtpSecurity = "none", smtpUser = user, smtpPassword = mailPassword,
        });
        var inbox = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        if (!created.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"creating the inbox: {(int)created.StatusCode} {inbox}");
        }

        var ingest = Stopwatch.StartNew();
        using var check = await http.PostAsync($"/api/v1/email-inboxes/{inbox.GetProperty("id").GetGuid()}/check", null);
        ingest.Stop();
        var result = JsonDocument.Parse(await check.Content.ReadAsStringAsync()).RootElement;
        if (!check.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"check: {(int)check.StatusCode} {result}");
        }

        var taken = result.GetProperty("created").GetInt32() + result.GetProperty("threaded").GetInt32();
        var rate = count / ingest.Elapsed.TotalSeconds;
        var ceiling = count / fetch.Elapsed.TotalSeconds;
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"| {database} | {count} ({bytes / count / 1024.0:0.0} KiB avg) | {rate:0.0} mails/s ({ingest.Elapsed.TotalSeconds:0.0} s) | {ceiling:0} mails/s ({fetch.Elapsed.TotalSeconds:0.00} s) | {100 * rate / ceiling:0.0}% | {taken} stored ({result.GetProperty("created").GetInt32()} new, {result.GetProperty("threaded").GetInt32()} threaded), {result.GetProperty("quarantined").GetInt32()} quarantined |");
    }

    private static async Task<ImapClient> OpenAsync(string host, string user, string password)
    {
        var client = new ImapClient();
        await client.ConnectAsync(host, 143, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, password);
        return client;
    }

    /// <summary>Mail i: a third plain English, a third GBK Chinese, a third with a 20 KiB PDF; every third one after the first 30 a reply by ticket number to an earlier sender.</summary>
    private static MimeMessage Mail(int i, string folder)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var m = new MimeMessage();
        var sender = i % 30;
        m.From.Add(new MailboxAddress($"Customer {sender}", $"customer{sender}.{folder}@customers.test"));
        m.To.Add(new MailboxAddress("Support", $"support.{folder}@localhost"));
        m.MessageId = $"bench{i}.{folder}@customers.test";
        m.Subject = i >= 30 && i % 3 == 0 ? $"Re: question {sender} [#{10001 + sender}]" : $"Question {i}: where is my order?";
        var text = (i % 3) switch
        {
            0 => new TextPart("plain") { Text = $"Hello, order {i} has not arrived. Could you check it please?\n\nOn Monday, Support wrote:\n> earlier mail" },
            1 => Gbk($"您好，订单 {i} 还没有收到，请帮忙查一下。谢谢！"),
            _ => new TextPart("plain") { Text = $"Invoice for order {i} attached." },
        };
        if (i % 3 == 2)
        {
            var pdf = new MimePart("application", "pdf")
            {
                Content = new MimeContent(new MemoryStream(Encoding.ASCII.GetBytes("%PDF-1.4 " + new string('x', 20_000) + i))),
                ContentDisposition = new ContentDisposition(ContentDisposition.Attachment), ContentTransferEncoding = ContentEncoding.Base64, FileName = $"invoice-{i}.pdf",
            };
            m.Body = new Multipart("mixed") { text, pdf };
        }
        else
        {
            m.Body = text;
        }

        return m;
    }

    private static TextPart Gbk(string text)
    {
        var part = new TextPart("plain");
        part.SetText(Encoding.GetEncoding("gbk"), text);
        return part;
    }
}
