using Kefu.Core.Bot;
using Kefu.Core.Knowledge;

namespace Kefu.Server.Features.Assistant;

/// <summary>What the bot says, in the customer's language.</summary>
public static class BotReplies
{
    public static bool IsChinese(string language) => language == KbLanguages.Chinese;

    public static string Answer(KbItem item, string language) => item.Kind switch
    {
        KbItemKind.Faq => item.Answer,
        KbItemKind.Article => $"{item.Question}\n{item.Answer}\n{(IsChinese(language) ? "详情请看：" : "Read more: ")}{item.Url}".Replace("\n\n", "\n"),
    };

    public static string Suggest(IReadOnlyList<KbItem> items, string language) =>
        (IsChinese(language) ? "您是不是想问：" : "Did you mean:") + "\n" + string.Join("\n", items.Select((i, n) => $"{n + 1}. {i.Question}"));

    public static string DontKnow(string language) => IsChinese(language)
        ? "抱歉，这个问题我暂时回答不了。您可以换个说法再问一次，或者点击“转人工”联系人工客服。"
        : "Sorry, I don't know the answer to that. You can ask in another way, or choose \"Talk to a person\".";

    public static string TalkToPerson(string language) => IsChinese(language) ? "转人工" : "Talk to a person";

    public static string Handoff(HandoffReason? reason, string language) => (reason, IsChinese(language)) switch
    {
        (HandoffReason.BotFailed, true) => "抱歉没能帮到您，正在为您转接人工客服，请稍候。",
        (HandoffReason.BotFailed, false) => "Sorry I couldn't help. I'm connecting you with a person; please hold on.",
        (HandoffReason.FlowFailed, true) => "抱歉，暂时没能为您查到，正在为您转接人工客服，请稍候。",
        (HandoffReason.FlowFailed, false) => "Sorry, I couldn't look that up right now. I'm connecting you with a person; please hold on.",
        (HandoffReason.NegativeEmotion, true) => "非常抱歉给您带来不好的体验，正在为您转接人工客服，请稍候。",
        (HandoffReason.NegativeEmotion, false) => "I'm sorry about this. I'm connecting you with a person right away; please hold on.",
        (_, true) => "好的，正在为您转接人工客服，请稍候。",
        (_, false) => "Okay, I'm connecting you with a person; please hold on.",
    };

    public static string ReasonName(HandoffReason reason) => reason switch
    {
        HandoffReason.CustomerAsked => "customer asked for a person · 客户要求人工",
        HandoffReason.NegativeEmotion => "negative emotion · 负面情绪",
        HandoffReason.BotFailed => "bot could not answer · 机器人未能解答",
        HandoffReason.Vip => "VIP customer · VIP 客户",
        HandoffReason.HighAmount => "large amount · 涉及金额较大",
        HandoffReason.FlowFailed => "bot flow could not finish · 机器人流程未能完成",
        HandoffReason.FlowHandoff => "bot flow handed off · 机器人流程转人工",
    };
}
