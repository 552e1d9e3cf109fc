using Kefu.Core.Channels.Api;
using Kefu.Core.Channels.Phone;
using Kefu.Core.Channels.WebForms;
using Kefu.Core.Common;

namespace Kefu.Core.Tests.Channels;

public sealed class ChannelTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 16, 59, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("WeChat", "wechat")]
    [InlineData("WhatsApp Business", "whatsapp-business")]
    [InlineData("微信 公众号", "api")]
    [InlineData("SMS 网关 (Aliyun)", "sms-aliyun")]
    [InlineData("  ", "api")]
    public void Integration_SourceFrom_Table(string name, string source) => Assert.Equal(source, Integration.SourceFrom(name));

    [Theory]
    [InlineData("wechat", null, true, null)]
    [InlineData("sms.gw_1", "https://sms.example.com/kefu", true, null)]
    [InlineData("WeChat", null, false, "identitySource")]
    [InlineData("we chat", null, false, "identitySource")]
    [InlineData("", null, false, "identitySource")]
    [InlineData("wechat", "mailto:x@example.com", false, "callbackUrl")]
    public void Integration_Create_Table(string source, string? callback, bool ok, string? field)
    {
        var created = Integration.Create(Guid.NewGuid(), new("WeChat", source, callback, null), "whsec_x", Now);

        Assert.Equal(ok, created.IsOk);
        if (field is not null)
        {
            Assert.Contains(field, Assert.IsType<Invalid>(created.Error).Fields.Keys);
        }
    }

    [Fact]
    public void ApiContact_StoredMessageId_IsNamespacedByIntegration()
    {
        var a = Guid.Parse("0195a3c0-0000-7000-8000-000000000001");
        var b = Guid.Parse("0195a3c0-0000-7000-8000-000000000002");

        Assert.NotEqual(ApiContact.StoredMessageId(a, "m1"), ApiContact.StoredMessageId(b, "m1"));
        Assert.True(ApiContact.StoredMessageId(a, new string('x', ApiContact.MaxMessageId)).Length <= Limits.ClientMessageId);
    }

    [Theory]
    [InlineData(CallDirection.Inbound, CallOutcome.Answered, 205, null, "📞 来电 Inbound call · +8613800138000 · 3:25 · 已接通 answered")]
    [InlineData(CallDirection.Outbound, CallOutcome.Missed, 0, "  no answer  ", "📞 去电 Outbound call · +8613800138000 · 0:00 · 未接 missed\n\nno answer")]
    [InlineData(CallDirection.Inbound, CallOutcome.Voicemail, 3725, null, "📞 来电 Inbound call · +8613800138000 · 1:02:05 · 语音留言 voicemail")]
    public void CallLog_Summary_Table(CallDirection direction, CallOutcome outcome, int seconds, string? notes, string expected) =>
        Assert.Equal(expected, CallLog.Summary(direction, outcome, "+8613800138000", seconds, notes));

    [Theory]
    [InlineData("+86 138-0013-8000", CallDirection.Inbound, 10, "https://pbx.example.com/r/1.mp3", null, "+8613800138000")]
    [InlineData("(010) 6552 9988", CallDirection.Outbound, 0, null, null, "01065529988")]
    [InlineData("", CallDirection.Inbound, 10, null, "number", null)]
    [InlineData("12", CallDirection.Inbound, 10, null, "number", null)]
    [InlineData("+8613800138000", null, 10, null, "direction", null)]
    [InlineData("+8613800138000", CallDirection.Inbound, -1, null, "durationSeconds", null)]
    [InlineData("+8613800138000", CallDirection.Inbound, 10, "javascript:alert(1)", "recordingUrl", null)]
    public void CallLog_Validate_Table(string number, CallDirection? direction, int duration, string? recording, string? field, string? normalized)
    {
        var result = CallLog.Validate(new CallDetails(null, direction, null, number, duration, recording, null, null, null));

        if (field is null)
        {
            Assert.Equal(normalized, result.Value);
        }
        else
        {
            Assert.Contains(field, Assert.IsType<Invalid>(result.Error).Fields.Keys);
        }
    }

    [Fact]
    public void Callback_IsOverdueOnlyWhileOpenAndLate()
    {
        var callback = CallbackRequest.Create(Guid.NewGuid(), null, "+86 138 0013 8000", Now.AddHours(1), "after 18:00", null, Now).Value;

        Assert.Equal("+8613800138000", callback.Number);
        Assert.False(callback.IsOverdue(Now.AddMinutes(59)));
        Assert.True(callback.IsOverdue(Now.AddMinutes(61)));
        Assert.True(callback.Close(CallbackStatus.Done, null, Now.AddMinutes(61)).IsOk);
        Assert.False(callback.IsOverdue(Now.AddHours(5)));
        Assert.Empty(callback.Close(CallbackStatus.Done, null, Now.AddHours(5)).Value);
        Assert.IsType<Conflict>(callback.Close(CallbackStatus.Cancelled, null, Now.AddHours(5)).Error);
    }

    [Theory]
    [InlineData(null, 60, "number")]
    [InlineData("+8613800138000", null, "dueAt")]
    [InlineData("+8613800138000", -60, "dueAt")]
    public void Callback_Create_Invalid(string? number, int? dueInMinutes, string field)
    {
        var result = CallbackRequest.Create(Guid.NewGuid(), null, number, dueInMinutes is { } m ? Now.AddMinutes(m) : null, null, null, Now);

        Assert.Contains(field, Assert.IsType<Invalid>(result.Error).Fields.Keys);
    }

    [Fact]
    public void WebForm_Default_IsValidInBothLanguages()
    {
        var form = WebForm.Create(Guid.NewGuid(), WebForm.Default("Support"), Now).Value;

        Assert.Equal("联系我们", form.Title(chinese: true));
        Assert.Equal("Contact us", form.Title(chinese: false));
        Assert.IsType<Invalid>(WebForm.Create(Guid.NewGuid(), WebForm.Default(" "), Now).Error);
    }
}
