using Kefu.Core.Common;
using Kefu.Core.Tickets;
using static Kefu.Core.Tests.Tickets.Given;

namespace Kefu.Core.Tests.Tickets;

public sealed class MessageTests
{
    private static readonly Guid Conversation = ConversationId(10001);

    private static Result<Message> Create(
        string text = "Hello", MessageKind kind = MessageKind.Inbound, AuthorKind author = AuthorKind.Customer,
        string? html = null, IReadOnlyList<Attachment>? attachments = null, string? clientMessageId = null, string fieldPrefix = "") =>
        Message.Create(Conversation, kind, author, null, text, html, attachments, clientMessageId, Now, fieldPrefix);

    [Theory]
    [InlineData(MessageKind.Inbound, AuthorKind.Customer, true)]
    [InlineData(MessageKind.Inbound, AuthorKind.Agent, false)]
    [InlineData(MessageKind.Inbound, AuthorKind.Bot, false)]
    [InlineData(MessageKind.Inbound, AuthorKind.System, false)]
    [InlineData(MessageKind.Outbound, AuthorKind.Customer, false)]
    [InlineData(MessageKind.Outbound, AuthorKind.Agent, true)]
    [InlineData(MessageKind.Outbound, AuthorKind.Bot, true)]
    [InlineData(MessageKind.Outbound, AuthorKind.System, true)]
    [InlineData(MessageKind.Note, AuthorKind.Customer, false)]
    [InlineData(MessageKind.Note, AuthorKind.Agent, true)]
    [InlineData(MessageKind.Note, AuthorKind.Bot, true)]
    [InlineData(MessageKind.Note, AuthorKind.System, true)]
    public void AuthorFits_EveryPair_MatchesTable(MessageKind kind, AuthorKind author, bool fits)
    {
        Assert.Equal(fits, Message.AuthorFits(kind, author));

        var result = Create(kind: kind, author: author);
        Assert.Equal(fits, result.IsOk);
        if (!fits)
        {
            Assert.Equal(["kind"], Assert.IsType<Invalid>(result.Error).Fields.Keys);
        }
    }

    [Fact]
    public void Create_ValidInput_CopiesFieldsAndTrimsText()
    {
        var agentId = AgentId;
        Attachment[] attachments = [new("invoice.pdf", "application/pdf", 1024, "https://files.example.com/invoice.pdf")];

        var m = Message.Create(Conversation, MessageKind.Outbound, AuthorKind.Agent, agentId, "  Here you go  ", "<p>Here you go</p>", attachments, " msg-1 ", Now).Value;

        Assert.Equal(Conversation, m.ConversationId);
        Assert.Equal(MessageKind.Outbound, m.Kind);
        Assert.Equal(AuthorKind.Agent, m.AuthorKind);
        Assert.Equal(agentId, m.AuthorId);
        Assert.Equal("Here you go", m.Text);
        Assert.Equal("<p>Here you go</p>", m.Html);
        Assert.Equal(attachments, m.Attachments);
        Assert.Equal("msg-1", m.ClientMessageId);
        Assert.Equal(Now, m.CreatedAt);
        Assert.Equal(7, m.Id.Version);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t")]
    public void Create_EmptyTextWithoutAttachments_ReturnsInvalidText(string text)
    {
        var invalid = Assert.IsType<Invalid>(Create(text).Error);

        Assert.Equal(["is required unless the message has attachments."], invalid.Fields["text"]);
    }

    [Fact]
    public void Create_EmptyTextWithEmptyAttachmentList_ReturnsInvalidText()
    {
        var invalid = Assert.IsType<Invalid>(Create("", attachments: []).Error);

        Assert.Equal(["text"], invalid.Fields.Keys);
    }

    [Fact]
    public void Create_EmptyTextWithAttachment_IsValid()
    {
        var m = Create(" ", attachments: [new("photo.jpg", "image/jpeg", 2048, null)]).Value;

        Assert.Equal("", m.Text);
        Assert.Single(m.Attachments);
    }

    [Theory]
    [InlineData(65_536, true)]
    [InlineData(65_537, false)]
    public void Create_TextLength_AtMost65536(int length, bool valid)
    {
        var result = Create(new string('x', length));

        Assert.Equal(valid, result.IsOk);
        if (!valid)
        {
            Assert.Equal(["must be at most 65536 characters."], Assert.IsType<Invalid>(result.Error).Fields["text"]);
        }
    }

    [Fact]
    public void Create_HtmlTooLong_ReturnsInvalidHtml()
    {
        var invalid = Assert.IsType<Invalid>(Create(html: new string('h', 262_145)).Error);

        Assert.Equal(["must be at most 262144 characters."], invalid.Fields["html"]);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("   ", null)]
    [InlineData("  wx-123  ", "wx-123")]
    [InlineData("wx-123", "wx-123")]
    public void Create_ClientMessageId_IsTrimmedAndBlankBecomesNull(string? clientMessageId, string? expected)
    {
        Assert.Equal(expected, Create(clientMessageId: clientMessageId).Value.ClientMessageId);
    }

    [Fact]
    public void Create_ClientMessageIdTooLong_ReturnsInvalid()
    {
        var invalid = Assert.IsType<Invalid>(Create(clientMessageId: new string('c', 101)).Error);

        Assert.Equal(["must be at most 100 characters."], invalid.Fields["clientMessageId"]);
    }

    [Fact]
    public void Create_TwentyOneAttachments_ReturnsInvalidAttachments()
    {
        var attachments = Enumerable.Range(1, 21).Select(i => new Attachment($"f{i}.txt", "text/plain", i, null)).ToList();

        var invalid = Assert.IsType<Invalid>(Create(attachments: attachments).Error);

        Assert.Equal(["must contain at most 20 attachments."], invalid.Fields["attachments"]);
    }

    [Fact]
    public void Create_BadAttachments_FlagsEachFieldByIndex()
    {
        Attachment[] attachments =
        [
            new("ok.png", "image/png", 0, null),
            new(" ", "", -1, "https://x.example/" + new string('u', 2000)),
            new(new string('n', 256), new string('c', 101), 10, null),
        ];

        var invalid = Assert.IsType<Invalid>(Create(attachments: attachments).Error);

        Assert.Equal(
            ["attachments[1].contentType", "attachments[1].fileName", "attachments[1].size", "attachments[1].url", "attachments[2].contentType", "attachments[2].fileName"],
            invalid.Fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["is required."], invalid.Fields["attachments[1].fileName"]);
        Assert.Equal(["must not be negative."], invalid.Fields["attachments[1].size"]);
        Assert.Equal(["must be at most 2000 characters."], invalid.Fields["attachments[1].url"]);
        Assert.Equal(["must be at most 255 characters."], invalid.Fields["attachments[2].fileName"]);
        Assert.Equal(["must be at most 100 characters."], invalid.Fields["attachments[2].contentType"]);
    }

    [Fact]
    public void Create_FieldPrefix_PrefixesEveryErrorKey()
    {
        var invalid = Assert.IsType<Invalid>(Create("", MessageKind.Note, AuthorKind.Customer, fieldPrefix: "messages[3].").Error);

        Assert.Equal(["messages[3].kind", "messages[3].text"], invalid.Fields.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void MoveTo_OtherConversation_ChangesConversationId()
    {
        var m = Create().Value;

        m.MoveTo(ConversationId(10002));

        Assert.Equal(ConversationId(10002), m.ConversationId);
    }
}
