using Kefu.Core.Channels.Email;

namespace Kefu.Core.Tests.Channels.Email;

public sealed class InboundPipelineTests
{
    private const string Support = "support@shop.test";
    private const string Customer = "li.lei@customer.test";
    private static readonly ThreadCandidate Open10042 = new(Guid.Parse("0190a5f0-0000-7000-8000-000000010042"), 10042, false, [Customer]);
    private static readonly ThreadCandidate Closed10043 = new(Guid.Parse("0190a5f0-0000-7000-8000-000000010043"), 10043, true, [Customer]);

    private static InboundMail Mail(
        string subject = "Where is my order?", string? from = Customer, string? messageId = "abc@customer.test", string? inReplyTo = null,
        string[]? references = null, string? replyTo = null, DeliveryReport? report = null, params (string Name, string Value)[] headers) =>
        new(messageId, inReplyTo, references ?? [], subject, from, "Li Lei", replyTo,
            headers.ToDictionary(h => h.Name, h => h.Value), report);

    private static InboundFacts Facts(bool ours = false, Dictionary<string, ThreadCandidate>? byId = null) =>
        new([Support], ours, new Dictionary<long, ThreadCandidate> { [10042] = Open10042, [10043] = Closed10043 },
            byId ?? new Dictionary<string, ThreadCandidate>(StringComparer.OrdinalIgnoreCase));

    [Theory]
    [InlineData("Auto-Submitted", "auto-replied", true)]
    [InlineData("Auto-Submitted", "auto-generated", true)]
    [InlineData("Auto-Submitted", "no", false)]
    [InlineData("Precedence", "auto_reply", true)]
    [InlineData("Precedence", "bulk", true)]
    [InlineData("Precedence", "junk", true)]
    [InlineData("Precedence", "list", false)]
    [InlineData("X-Autoreply", "yes", true)]
    [InlineData("X-Autorespond", "Out of office", true)]
    [InlineData("X-Auto-Response-Suppress", "All", true)]
    [InlineData("X-Mailer", "Outlook", false)]
    public void Decide_AutoReplyHeaders_AreNeverTreatedAsCustomerMessages(string header, string value, bool auto)
    {
        var decision = InboundPipeline.Decide(Mail(headers: (header.ToLowerInvariant(), value)), Facts());

        if (auto)
        {
            Assert.IsType<AutoReplyMail>(decision);
        }
        else
        {
            Assert.IsType<StartConversation>(decision);
        }
    }

    [Fact]
    public void Decide_AutoReplyToOurReply_ThreadsAsAutoReplyWithItsConversation()
    {
        var byId = new Dictionary<string, ThreadCandidate>(StringComparer.OrdinalIgnoreCase) { ["kefu.0190a5f0000070008000000000000001@shop.test"] = Open10042 };

        var decision = InboundPipeline.Decide(
            Mail("Automatic reply: Re: Order [#10042]", inReplyTo: "<kefu.0190a5f0000070008000000000000001@shop.test>", headers: ("auto-submitted", "auto-replied")),
            Facts(byId: byId));

        Assert.Equal(Open10042, Assert.IsType<AutoReplyMail>(decision).Target);
    }

    [Theory]
    [InlineData("kefu.0190a5f0000070008000000000000001@shop.test", Customer, false)]
    [InlineData("abc@customer.test", Support, false)]
    [InlineData("abc@customer.test", "SUPPORT@Shop.Test", false)]
    [InlineData("abc@customer.test", Customer, true)]
    public void Decide_OurOwnMailOrAddress_IsIgnoredAsALoop(string messageId, string from, bool passes)
    {
        var decision = InboundPipeline.Decide(Mail(messageId: messageId, from: from), Facts());

        Assert.Equal(passes, decision is not IgnoreMail);
    }

    [Fact]
    public void Decide_MessageIdWeRecordedAsSent_IsIgnored() =>
        Assert.IsType<IgnoreMail>(InboundPipeline.Decide(Mail(messageId: "custom-id@shop.test"), Facts(ours: true)));

    [Fact]
    public void Decide_XLoopNamingOurAddress_IsIgnored() =>
        Assert.IsType<IgnoreMail>(InboundPipeline.Decide(Mail(headers: ("x-loop", "support@shop.test")), Facts()));

    [Theory]
    [InlineData("failed", true)]
    [InlineData("delayed", false)]
    [InlineData("delivered", false)]
    public void Decide_DeliveryReport_FailureIsABounceOfTheOriginal(string action, bool bounce)
    {
        var report = new DeliveryReport("<kefu.0190a5f0000070008000000000000001@shop.test>", action, "5.1.1", "gone@customer.test", "User unknown");

        var decision = InboundPipeline.Decide(Mail(from: "MAILER-DAEMON@mx.customer.test", report: report), Facts());

        if (bounce)
        {
            var b = Assert.IsType<BounceMail>(decision);
            Assert.Equal("kefu.0190a5f0000070008000000000000001@shop.test", b.OriginalMessageId);
            Assert.Contains("User unknown", b.Reason);
        }
        else
        {
            Assert.IsType<IgnoreMail>(decision);
        }
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("not an address", null)]
    [InlineData(null, "reply@customer.test")]
    public void Decide_WithoutSender_IsQuarantinedUnlessReplyToIsThere(string? from, string? replyTo)
    {
        var decision = InboundPipeline.Decide(Mail(from: from, replyTo: replyTo), Facts());

        Assert.Equal(replyTo is null, decision is QuarantineMail);
    }

    [Theory]
    [InlineData("Re: Order [#10042]", Customer, null, "10042")]
    [InlineData("Re: Order [#10042]", "stranger@evil.test", null, "new")]
    [InlineData("Re: Order [#10042]", "stranger@evil.test", "kefu.0190a5f0000070008000000000000001@shop.test", "10042")]
    [InlineData("Re: Order [#10043]", Customer, null, "new")]
    [InlineData("Re: Order [#99999]", Customer, null, "new")]
    [InlineData("Re: Order", Customer, "kefu.0190a5f0000070008000000000000001@shop.test", "10042")]
    [InlineData("Re: Order", Customer, "unknown@elsewhere.test", "new")]
    [InlineData("Re: [#99999] [#10042]", Customer, null, "10042")]
    public void Thread_SubjectNumberThenReferencesThenNew(string subject, string from, string? inReplyTo, string expected)
    {
        var byId = new Dictionary<string, ThreadCandidate>(StringComparer.OrdinalIgnoreCase) { ["kefu.0190a5f0000070008000000000000001@shop.test"] = Open10042 };

        var decision = InboundPipeline.Decide(Mail(subject, from, inReplyTo: inReplyTo), Facts(byId: byId));

        Assert.Equal(expected, decision switch
        {
            ThreadIntoConversation t => t.Target.Number.ToString(),
            StartConversation => "new",
            _ => decision.ToString(),
        });
    }

    [Fact]
    public void Thread_ReferencesOnly_UsesTheNewestKnownOne()
    {
        var other = Open10042 with { ConversationId = Guid.NewGuid(), Number = 10050 };
        var byId = new Dictionary<string, ThreadCandidate>(StringComparer.OrdinalIgnoreCase) { ["old@shop.test"] = Open10042, ["new@shop.test"] = other };

        var decision = InboundPipeline.Decide(Mail("Re: hi", references: ["<old@shop.test>", "<new@shop.test>"]), Facts(byId: byId));

        Assert.Equal(10050, Assert.IsType<ThreadIntoConversation>(decision).Target.Number);
    }
}
