using System.Collections.Concurrent;
using Kefu.Core.Channels.Email;
using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Realtime;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Kefu.Server.Features.Email;

public sealed record CheckResult(int Fetched, int Created, int Threaded, int Duplicates, int Skipped, int Quarantined);

/// <summary>
/// Reads every active e-mail inbox: one IMAP connection per inbox that waits with IDLE (or polls when the server has
/// no IDLE), takes in each new mail by UID in order and moves the inbox's high-water mark only after the mail is
/// stored. A dropped connection loses nothing (the next one starts after the last stored UID); a mail read twice is
/// stored once (Message-ID key). Settings changes reconnect; errors back off and show on the admin page.
/// </summary>
public sealed class ImapReader(
    IDbContextFactory<KefuDbContext> dbs, RealtimePublisher realtime, MailSecrets secrets, IOptions<EmailOptions> options,
    TimeProvider clock, ILogger<ImapReader> log) : BackgroundService
{
    private readonly Dictionary<Guid, (int Version, CancellationTokenSource Stop, Task Loop)> loops = [];
    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> fetchLocks = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.ReaderEnabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RefreshSeconds), clock);
        try
        {
            do
            {
                try
                {
                    await RefreshAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning(e, "Loading the e-mail inboxes failed; trying again.");
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            foreach (var (_, stop, _) in loops.Values)
            {
                await stop.CancelAsync();
            }

            await Task.WhenAll(loops.Values.Select(l => l.Loop));
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var active = await db.EmailInboxes.AsNoTracking().Where(i => i.IsActive).Select(i => new { i.Id, i.Version }).ToListAsync(ct);
        foreach (var (id, loop) in loops.ToList())
        {
            if (!active.Any(a => a.Id == id && a.Version == loop.Version))
            {
                await loop.Stop.CancelAsync();
                loops.Remove(id);
            }
        }

        foreach (var inbox in active.Where(a => !loops.ContainsKey(a.Id)))
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            loops[inbox.Id] = (inbox.Version, stop, Task.Run(() => ReadAsync(inbox.Id, stop.Token), CancellationToken.None));
        }
    }

    /// <summary>One inbox's connection, kept open; reconnects with a growing pause after errors.</summary>
    private async Task ReadAsync(Guid inboxId, CancellationToken ct)
    {
        var failures = 0;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var inbox = await LoadAsync(inboxId, ct);
                if (inbox is null)
                {
                    return;
                }

                using var client = await MailConnections.OpenImapAsync(MailConnections.Imap(inbox, secrets), ct);
                var folder = await client.GetFolderAsync(inbox.ImapFolder, ct);
                await folder.OpenAsync(FolderAccess.ReadOnly, ct);
                var idle = client.Capabilities.HasFlag(ImapCapabilities.Idle);
                while (!ct.IsCancellationRequested)
                {
                    await FetchNewAsync(inboxId, folder, ct);
                    failures = 0;
                    var wait = TimeSpan.FromSeconds(Math.Min(inbox.PollSeconds, idle ? 9 * 60 : inbox.PollSeconds));
                    if (idle)
                    {
                        // IDLE until the folder changes (new mail), or the poll interval as a safety net.
                        using var done = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        done.CancelAfter(wait);
                        void Arrived(object? sender, EventArgs e) => done.Cancel();
                        folder.CountChanged += Arrived;
                        try
                        {
                            await client.IdleAsync(done.Token, ct);
                        }
                        finally
                        {
                            folder.CountChanged -= Arrived;
                        }
                    }
                    else
                    {
                        await Task.Delay(wait, clock, ct);
                        await client.NoOpAsync(ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures++;
                var inbox = await LoadAsync(inboxId, CancellationToken.None);
                var message = inbox is null ? e.Message : MailConnections.Describe(e, MailConnections.Imap(inbox, secrets));
                log.LogWarning("E-mail inbox {Inbox}: reading failed ({Failures} in a row): {Error}", inboxId, failures, message);
                await RecordCheckAsync(inboxId, message, CancellationToken.None);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(Math.Min(300, 2 * Math.Pow(2, Math.Min(failures, 8)))), clock, ct);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Connects, takes in what is new, disconnects (the admin's "check now", tests, and the benchmark).</summary>
    public async Task<Result<CheckResult>> CheckNowAsync(Guid inboxId, CancellationToken ct)
    {
        var inbox = await LoadAsync(inboxId, ct);
        if (inbox is null)
        {
            return new NotFound("E-mail inbox", inboxId.ToString());
        }

        var endpoint = MailConnections.Imap(inbox, secrets);
        try
        {
            using var client = await MailConnections.OpenImapAsync(endpoint, ct);
            var folder = await client.GetFolderAsync(inbox.ImapFolder, ct);
            await folder.OpenAsync(FolderAccess.ReadOnly, ct);
            var result = await FetchNewAsync(inboxId, folder, ct);
            await client.DisconnectAsync(true, ct);
            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException && e is not DbUpdateException)
        {
            var message = MailConnections.Describe(e, endpoint);
            await RecordCheckAsync(inboxId, message, CancellationToken.None);
            return new Conflict($"Reading the inbox failed: {message}");
        }
    }

    /// <summary>Takes in every mail after the high-water mark, one at a time, in UID order. One fetch per inbox per node at a time.</summary>
    public async Task<CheckResult> FetchNewAsync(Guid inboxId, IMailFolder folder, CancellationToken ct)
    {
        var gate = fetchLocks.GetOrAdd(inboxId, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var inbox = await db.EmailInboxes.FirstAsync(i => i.Id == inboxId, ct);
            var validity = (long)folder.UidValidity;
            if (inbox.FolderReset(validity))
            {
                // A new folder (or the server renumbered it): read it from the start; Message-IDs keep out what we have.
                inbox.StartFolder(validity);
                await db.SaveChangesAsync(ct);
            }

            var after = inbox.LastUid;
            var uids = (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId((uint)Math.Min(after + 1, uint.MaxValue)), UniqueId.MaxValue)), ct))
                .Where(u => u.Id > after).OrderBy(u => u.Id).ToList();
            var sizes = uids.Count == 0
                ? new Dictionary<uint, long>()
                : (await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct)).ToDictionary(s => s.UniqueId.Id, s => (long)(s.Size ?? 0));
            int created = 0, threaded = 0, duplicates = 0, skipped = 0, quarantined = 0;
            foreach (var uid in uids)
            {
                var result = await TakeAsync(db, inbox, folder, uid, sizes.GetValueOrDefault(uid.Id), validity, ct);
                switch (result)
                {
                    case IngestResult.Created: created++; break;
                    case IngestResult.Threaded: threaded++; break;
                    case IngestResult.Duplicate: duplicates++; break;
                    case IngestResult.Quarantined: quarantined++; break;
                    case IngestResult.Ignored or IngestResult.AutoReply or IngestResult.Bounce: skipped++; break;
                }

                // Only now, after the mail is stored: a crash before this line fetches it again, and the key makes that a no-op.
                await db.EmailInboxes.Where(i => i.Id == inboxId && i.UidValidity == validity && i.LastUid < uid.Id)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.LastUid, (long)uid.Id), ct);
            }

            await db.EmailInboxes.Where(i => i.Id == inboxId).ExecuteUpdateAsync(u => u
                .SetProperty(i => i.LastCheckedAt, clock.GetUtcNow()).SetProperty(i => i.LastError, (string?)null), ct);
            return new CheckResult(uids.Count, created, threaded, duplicates, skipped, quarantined);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<IngestResult> TakeAsync(KefuDbContext db, EmailInbox inbox, IMailFolder folder, UniqueId uid, long size, long validity, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var now = clock.GetUtcNow();
        var settings = options.Value;
        if (size > settings.MaxMailBytes)
        {
            var headers = await folder.GetHeadersAsync(uid, ct);
            using var buffer = new MemoryStream();
            await headers.WriteToAsync(buffer, ct);
            return await MailIngest.QuarantineRawAsync(db, inbox, buffer.ToArray(), headers[MimeKit.HeaderId.MessageId], headers[MimeKit.HeaderId.Subject] ?? "",
                headers[MimeKit.HeaderId.From] ?? "", uid.Id, validity,
                $"The mail is {size / 1024 / 1024} MB, over the {settings.MaxMailBytes / 1024 / 1024} MB limit; only its headers were kept.", now, ct);
        }

        byte[] raw;
        using (var stream = await folder.GetStreamAsync(uid, ct))
        using (var buffer = new MemoryStream())
        {
            await stream.CopyToAsync(buffer, ct);
            raw = buffer.ToArray();
        }

        try
        {
            return await MailIngest.IngestAsync(db, realtime, settings, inbox, raw, uid.Id, validity, now, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && e is not DbUpdateException && e is not System.Data.Common.DbException)
        {
            // A mail the pipeline cannot handle must not block the inbox, nor vanish: quarantine it with the error.
            log.LogError(e, "E-mail inbox {Inbox}: UID {Uid} could not be taken in; quarantined.", inbox.Id, uid.Id);
            db.ChangeTracker.Clear();
            return await MailIngest.QuarantineRawAsync(db, inbox, raw, null, "", "", uid.Id, validity, $"Taking the mail in failed: {e.Message}", now, ct);
        }
    }

    private async Task<EmailInbox?> LoadAsync(Guid id, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.EmailInboxes.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id && i.IsActive, ct);
    }

    private async Task RecordCheckAsync(Guid id, string? error, CancellationToken ct)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            await db.EmailInboxes.Where(i => i.Id == id).ExecuteUpdateAsync(u => u
                .SetProperty(i => i.LastCheckedAt, clock.GetUtcNow()).SetProperty(i => i.LastError, error is { Length: > 2000 } ? error[..2000] : error), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.LogWarning(e, "Recording the state of e-mail inbox {Inbox} failed.", id);
        }
    }
}
