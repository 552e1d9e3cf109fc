using System.Security.Cryptography;
using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Data;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Chat;

/// <summary>
/// Uploaded files, stored once per content (SHA-256) in the database so every node can serve them. The declared
/// type must be allowed and, for images and PDF, must match the file's first bytes.
/// </summary>
public static class FileStore
{
    private static readonly FileExtensionContentTypeProvider Extensions = new();

    /// <summary>Types browsers may show inline; everything else is downloaded.</summary>
    public static readonly IReadOnlySet<string> InlineTypes = new HashSet<string> { "image/png", "image/jpeg", "image/gif", "image/webp" };

    public static string Url(string sha256, string fileName) => $"/files/{sha256}/{Uri.EscapeDataString(fileName)}";

    /// <summary>The content hash in a URL this store made (absolute or relative, with or without a query), or null.</summary>
    public static string? ParseUrl(string? url)
    {
        if (string.IsNullOrEmpty(url))
        {
            return null;
        }

        var path = Uri.TryCreate(url, UriKind.Absolute, out var absolute) ? absolute.AbsolutePath : url.Split('?', 2)[0];
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length == 3 && parts[0] == "files" && IsSha256(parts[1]) ? parts[1] : null;
    }

    public static bool IsSha256(string? value) => value is { Length: 64 } && value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f');

    public static string CleanFileName(string? name)
    {
        var clean = new string(Path.GetFileName(name?.Replace('\\', '/') ?? "").Where(c => !char.IsControl(c) && c is not ('"' or '/' or '\\')).ToArray()).Trim();
        if (clean.Length > Limits.FileName)
        {
            var extension = Path.GetExtension(clean);
            clean = clean[..(Limits.FileName - extension.Length)] + extension;
        }

        return clean.Length == 0 || clean is "." or ".." ? "file" : clean;
    }

    /// <summary>The declared type without parameters; a missing or generic one is taken from the file name.</summary>
    public static string ContentTypeOf(string? declared, string fileName)
    {
        var type = (declared ?? "").Split(';', 2)[0].Trim().ToLowerInvariant();
        if (type is "" or "application/octet-stream" && Extensions.TryGetContentType(fileName, out var byName))
        {
            return byName;
        }

        return type.Length == 0 ? "application/octet-stream" : type;
    }

    /// <summary>True when the first bytes are what the type says (only checked for types with a signature).</summary>
    public static bool LooksLike(string contentType, ReadOnlySpan<byte> head) => contentType switch
    {
        "image/png" => head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        "image/jpeg" => head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]),
        "image/gif" => head.StartsWith("GIF87a"u8) || head.StartsWith("GIF89a"u8),
        "image/webp" => head.Length >= 12 && head.StartsWith("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8),
        "application/pdf" => head.StartsWith("%PDF-"u8),
        "text/plain" => !head[..Math.Min(head.Length, 8192)].Contains((byte)0),
        _ => true,
    };

    /// <summary>Checks and stores a file; returns its attachment metadata.</summary>
    public static async Task<Result<Attachment>> SaveAsync(
        KefuDbContext db, byte[] content, string? fileName, string? declaredType, long maxBytes, IReadOnlyCollection<string> allowedTypes, DateTimeOffset now, CancellationToken ct)
    {
        var name = CleanFileName(fileName);
        var type = ContentTypeOf(declaredType, name);
        if (content.Length == 0)
        {
            return Invalid.Field("file", "is empty.");
        }

        if (content.Length > maxBytes)
        {
            return new TooLarge(maxBytes);
        }

        if (!allowedTypes.Contains(type))
        {
            return Invalid.Field("file", $"files of type {type} are not accepted here; allowed: {string.Join(", ", allowedTypes)}.");
        }

        if (!LooksLike(type, content))
        {
            return Invalid.Field("file", $"the content is not a valid {type} file.");
        }

        var sha = Convert.ToHexStringLower(SHA256.HashData(content));
        if (!await db.Files.AnyAsync(f => f.Sha256 == sha, ct))
        {
            db.Files.Add(new StoredFile { Sha256 = sha, ContentType = type, Size = content.Length, Content = content, CreatedAt = now });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
            {
                // The same content was uploaded at the same moment: it is stored, which is all we need.
                db.ChangeTracker.Clear();
            }
        }

        var storedType = await db.Files.AsNoTracking().Where(f => f.Sha256 == sha).Select(f => f.ContentType).FirstAsync(ct);
        return new Attachment(name, storedType, content.Length, Url(sha, name));
    }
}

/// <summary>A file over the inbox's upload limit (413).</summary>
public sealed record TooLarge(long MaxBytes) : Error($"The file is larger than the {FormatSize(MaxBytes)} this chat accepts.")
{
    public static string FormatSize(long bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024.0 * 1024):0.#} MB" : $"{Math.Max(1, bytes / 1024)} KB";
}
