using System.Web;
using Kefu.Core.Webhooks;

namespace Kefu.Core.Tests.Webhooks;

public sealed class FileLinkTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Sha = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 59, 0, TimeSpan.Zero);
    private static readonly Guid Integration = Guid.Parse("11111111-2222-3333-4444-555555555555");

    private static (string? Expires, string? Sig) Parts(string link)
    {
        var query = HttpUtility.ParseQueryString(new Uri("https://kefu.test" + link).Query);
        return (query["expires"], query["sig"]);
    }

    [Fact]
    public void Verify_FreshLink_IsValidWithItsSecret()
    {
        var (expires, sig) = Parts(FileLink.Sign($"/files/{Sha}/a.pdf", Sha, Integration, Secret, Now));

        Assert.True(FileLink.Verify([Secret], Sha, expires, sig, Now.AddDays(6)));
    }

    [Theory]
    [InlineData("expired")]
    [InlineData("other-file")]
    [InlineData("other-secret")]
    [InlineData("tampered-expiry")]
    [InlineData("missing")]
    public void Verify_BadLink_IsRefused(string how)
    {
        var (expires, sig) = Parts(FileLink.Sign($"/files/{Sha}/a.pdf", Sha, Integration, Secret, Now));

        var ok = how switch
        {
            "expired" => FileLink.Verify([Secret], Sha, expires, sig, Now.AddDays(8)),
            "other-file" => FileLink.Verify([Secret], Sha.Replace('0', '1'), expires, sig, Now),
            "other-secret" => FileLink.Verify(["whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA=="], Sha, expires, sig, Now),
            "tampered-expiry" => FileLink.Verify([Secret], Sha, (long.Parse(expires!) + 86_400).ToString(), sig, Now),
            _ => FileLink.Verify([Secret], Sha, expires, null, Now),
        };

        Assert.False(ok);
    }
}
