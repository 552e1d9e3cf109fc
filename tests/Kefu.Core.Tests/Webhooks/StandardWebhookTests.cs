using System.Text;
using Kefu.Core.Webhooks;

namespace Kefu.Core.Tests.Webhooks;

public sealed class StandardWebhookTests
{
    // The published test vector of the Standard Webhooks reference libraries.
    private const string SpecSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SpecId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private const long SpecTimestamp = 1614265330;
    private const string SpecBody = """{"test": 2432232314}""";
    private const string SpecSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    private static readonly DateTimeOffset SpecTime = DateTimeOffset.FromUnixTimeSeconds(SpecTimestamp);

    [Theory]
    [InlineData(SpecSecret)]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    public void Sign_SpecTestVector_MatchesThePublishedSignature(string secret) =>
        Assert.Equal(SpecSignature, StandardWebhook.Sign(secret, SpecId, SpecTimestamp, SpecBody));

    public static TheoryData<string, string?, string?, string?, string, int, SignatureCheck> Cases => new()
    {
        // description, id, timestamp, signature header, body, seconds after signing, expected
        { "valid", SpecId, "1614265330", SpecSignature, SpecBody, 0, SignatureCheck.Valid },
        { "valid 4m59s later", SpecId, "1614265330", SpecSignature, SpecBody, 299, SignatureCheck.Valid },
        { "valid, receiver clock 4m59s behind", SpecId, "1614265330", SpecSignature, SpecBody, -299, SignatureCheck.Valid },
        { "stale: 5m01s later", SpecId, "1614265330", SpecSignature, SpecBody, 301, SignatureCheck.Stale },
        { "from the future: 5m01s ahead", SpecId, "1614265330", SpecSignature, SpecBody, -301, SignatureCheck.Future },
        { "tampered body", SpecId, "1614265330", SpecSignature, """{"test": 2432232315}""", 0, SignatureCheck.Mismatch },
        { "tampered id", "msg_other", "1614265330", SpecSignature, SpecBody, 0, SignatureCheck.Mismatch },
        { "tampered timestamp", SpecId, "1614265331", SpecSignature, SpecBody, 0, SignatureCheck.Mismatch },
        { "wrong signature", SpecId, "1614265330", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", SpecBody, 0, SignatureCheck.Mismatch },
        { "unknown version only", SpecId, "1614265330", "v2," + SpecSignature[3..], SpecBody, 0, SignatureCheck.Mismatch },
        { "not base64", SpecId, "1614265330", "v1,%%%", SpecBody, 0, SignatureCheck.Mismatch },
        { "several signatures, one valid", SpecId, "1614265330", "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,abc " + SpecSignature, SpecBody, 0, SignatureCheck.Valid },
        { "missing id", null, "1614265330", SpecSignature, SpecBody, 0, SignatureCheck.Missing },
        { "missing timestamp", SpecId, " ", SpecSignature, SpecBody, 0, SignatureCheck.Missing },
        { "missing signature", SpecId, "1614265330", null, SpecBody, 0, SignatureCheck.Missing },
        { "timestamp in milliseconds", SpecId, "1614265330000", SpecSignature, SpecBody, 0, SignatureCheck.Malformed },
        { "timestamp not a number", SpecId, "2021-02-25T15:02:10Z", SpecSignature, SpecBody, 0, SignatureCheck.Malformed },
        { "negative timestamp", SpecId, "-5", SpecSignature, SpecBody, 0, SignatureCheck.Malformed },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verify_Table(string description, string? id, string? timestamp, string? signature, string body, int secondsLater, SignatureCheck expected)
    {
        var result = StandardWebhook.Verify([SpecSecret], id, timestamp, signature, body, SpecTime.AddSeconds(secondsLater));

        Assert.True(expected == result, $"{description}: expected {expected}, got {result}");
    }

    [Fact]
    public void Verify_AnyOfSeveralSecrets_Matches()
    {
        var other = StandardWebhook.NewSecret(new byte[32]);

        Assert.Equal(SignatureCheck.Valid, StandardWebhook.Verify([other, SpecSecret], SpecId, "1614265330", SpecSignature, SpecBody, SpecTime));
        Assert.Equal(SignatureCheck.Mismatch, StandardWebhook.Verify([other], SpecId, "1614265330", SpecSignature, SpecBody, SpecTime));
    }

    [Fact]
    public void SignatureHeaderValue_SignsWithEachSecret_AndEachVerifiesAlone()
    {
        var a = StandardWebhook.NewSecret(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
        var b = StandardWebhook.NewSecret(Enumerable.Range(100, 24).Select(i => (byte)i).ToArray());
        var body = Encoding.UTF8.GetBytes("""{"type":"message.created","data":{"text":"您好"}}""");

        var header = StandardWebhook.SignatureHeaderValue([a, b], "msg_1", 1700000000, body);

        Assert.Equal(2, header.Split(' ').Length);
        Assert.All(header.Split(' '), s => Assert.StartsWith("v1,", s));
        var at = DateTimeOffset.FromUnixTimeSeconds(1700000000);
        Assert.Equal(SignatureCheck.Valid, StandardWebhook.Verify([a], "msg_1", "1700000000", header, body, at));
        Assert.Equal(SignatureCheck.Valid, StandardWebhook.Verify([b], "msg_1", "1700000000", header, body, at));
    }

    [Theory]
    [InlineData(SpecSecret, true)]
    [InlineData("whsec_", false)]
    [InlineData("whsec_not base64!", false)]
    [InlineData("whsec_c2hvcnQ=", false)]
    [InlineData("", false)]
    public void IsValidSecret_Table(string secret, bool valid) => Assert.Equal(valid, StandardWebhook.IsValidSecret(secret));

    [Fact]
    public void NewSecret_HasThePrefixAndDecodesToTheBytes()
    {
        var bytes = Enumerable.Range(0, 32).Select(i => (byte)(i * 7)).ToArray();

        var secret = StandardWebhook.NewSecret(bytes);

        Assert.StartsWith("whsec_", secret);
        Assert.Equal(bytes, StandardWebhook.Key(secret));
        Assert.Throws<ArgumentOutOfRangeException>(() => StandardWebhook.NewSecret(new byte[8]));
    }

    [Fact]
    public void SigningSecret_Rotate_KeepsThePreviousForTheGracePeriodOnly()
    {
        var now = new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var secret = SigningSecret.Create("whsec_old");

        secret.Rotate("whsec_new", now, immediately: false);

        Assert.Equal(["whsec_new", "whsec_old"], secret.ActiveAt(now.AddHours(23)));
        Assert.Equal(["whsec_new"], secret.ActiveAt(now.AddHours(24)));

        secret.Rotate("whsec_newer", now, immediately: true);
        Assert.Equal(["whsec_newer"], secret.ActiveAt(now));
    }
}
