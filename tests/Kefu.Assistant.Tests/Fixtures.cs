using Kefu.Assistant.Data;

namespace Kefu.Assistant.Tests;

/// <summary>A tiny bilingual knowledge base and intent set, written for these tests.</summary>
internal static class Fixtures
{
    public const string KbCsv = """
        id,category,question,similar,answer
        R1,return_exchange,怎么申请退货？,我想退货|买的东西不想要了怎么退|退货流程是什么|how do I return an item,在订单详情点“申请售后”，选择退货即可。
        R2,return_exchange,退款多久到账？,钱什么时候退回来|退款到账要几天|退款还没收到|when will I get my refund,退款审核通过后 1-3 个工作日原路退回。
        I1,billing_payment,怎么开发票？,"能开发票吗|发票在哪里申请|我要开增值税发票|can I get an invoice, please",在订单详情点“申请发票”，电子发票 24 小时内发到邮箱。
        D1,delivery_logistics,快递什么时候到？,我的快递到哪了|物流怎么查|几天能送到|where is my package,在“我的订单”里可以查看物流进度。
        """;

    public static IReadOnlyList<FaqEntry> Kb() => FaqCsv.Parse(KbCsv.Replace("\n", "\r\n", StringComparison.Ordinal));

    public static IReadOnlyList<LabelledText> Intents() =>
    [
        new("what is the weather today", "weather"), new("will it rain tomorrow", "weather"), new("is it sunny outside", "weather"),
        new("how hot is it today", "weather"), new("weather forecast for the weekend", "weather"), new("do I need an umbrella", "weather"),
        new("set an alarm for 7 am", "alarm"), new("wake me up at six", "alarm"), new("alarm for tomorrow morning", "alarm"),
        new("set my alarm to 5:30", "alarm"), new("cancel my alarm", "alarm"), new("turn off the alarm", "alarm"),
        new("play some jazz", "music"), new("play my playlist", "music"), new("I want to listen to music", "music"),
        new("put on some rock songs", "music"), new("play the next song", "music"), new("shuffle my music", "music"),
        new("who won the football game", "oos"), new("tell me a joke", "oos"), new("what is the capital of france", "oos"),
        new("how do I cook pasta", "oos"), new("book me a flight", "oos"), new("what is my bank balance", "oos"),
    ];

    public static string WriteTemp(string content, string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "kefu-assistant-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public static string LabelledCsvText(IEnumerable<LabelledText> rows) =>
        "text,label\r\n" + string.Concat(rows.Select(r => $"{Data.Csv.Escape(r.Text)},{Data.Csv.Escape(r.Label)}\r\n"));
}
