using System.Text;

namespace Kefu.Bench;

/// <summary>Message texts in Chinese and English, a sentence or a few, like a help desk's (about 20–300 characters).</summary>
public static class Texts
{
    private static readonly string[] Sentences =
    [
        "您好，我的订单已经一个星期了还没有收到。",
        "请问怎么修改收货地址？",
        "发票金额不对，麻烦帮我看一下。",
        "谢谢，问题已经解决了！",
        "我们已经为您重新发货，预计三天内送达。",
        "登录的时候一直提示密码错误，但是我确定密码是对的。",
        "退款什么时候能到账？",
        "已转给技术同事处理，请耐心等待。",
        "这个型号还有库存吗？我想再买两台。",
        "客户来电说包装破损，已拍照留存。",
        "Hello, my order still has not arrived after a week.",
        "Could you help me reset my password? The e-mail never comes.",
        "The invoice shows the wrong amount, please check.",
        "Thanks, that solved it!",
        "We have shipped a replacement; it should arrive within three days.",
        "I was charged twice for the same subscription this month.",
        "Is this model still in stock? I would like to order two more.",
        "Escalated to the billing team, waiting for their answer.",
        "The app crashes when I open the settings page on Android 14.",
        "Customer called again, very upset about the delay.",
    ];

    private static readonly string[] Subjects =
    [
        "订单未收到", "修改收货地址", "发票问题", "退款进度", "无法登录",
        "Order not received", "Password reset", "Invoice question", "Refund status", "App crashes",
    ];

    public static string Subject(Random rng) => Subjects[rng.Next(Subjects.Length)];

    public static string Message(Random rng)
    {
        var text = new StringBuilder();
        for (var i = rng.Next(1, 5); i > 0; i--)
        {
            text.Append(Sentences[rng.Next(Sentences.Length)]).Append(' ');
        }

        return text.ToString().TrimEnd();
    }
}
