using System.Text.RegularExpressions;

namespace Kefu.Core.Bot;

/// <summary>
/// Detects a customer asking for a person (转人工, 人工客服, 找真人, 叫你们经理来, "talk to a human" …), and not the
/// same words in another sense (人工费, 人工智能, 扫地机器人) or negated (不用转人工了). Works on
/// <see cref="TextNormalizer.Normalize"/>d text, so traditional characters and full-width forms are covered.
/// </summary>
public static partial class HumanRequest
{
    public static bool IsRequest(string text) => Match(text) is not null;

    /// <summary>The phrase that reads as a request for a person, or null.</summary>
    public static string? Match(string text)
    {
        var t = TextNormalizer.Normalize(text);
        if (t.Length == 0)
        {
            return null;
        }

        // Words that contain 人工/机器人 but mean something else are blanked out first.
        t = OtherSense().Replace(t, m => new string('_', m.Length));
        foreach (var pattern in Patterns)
        {
            foreach (Match m in pattern.Matches(t))
            {
                if (!Negated(t, m.Index))
                {
                    return m.Value;
                }
            }
        }

        return null;
    }

    // Negation right before the phrase: 不用转人工了, 不需要人工, 没必要找客服. Not 不能/不了: "为什么不能转人工" still asks.
    private static bool Negated(string t, int index)
    {
        var before = t[Math.Max(0, index - 4)..index];
        return NegationBefore().IsMatch(before);
    }

    private static readonly Regex[] Patterns =
    [
        // 人工 on its own (after other senses are blanked) reads as "a human agent" in a support chat.
        StrongChinese(),
        PersonWithVerb(),
        TalkToPerson(),
        NotTheBot(),
        CallMe(),
        English(),
    ];

    [GeneratedRegex("人工(?:费|收费|另|成本|价|怎么算|多少钱|智能|钻|合成|湖|草|降|养|种|授|呼吸|关节|晶体|耳蜗|心|牙|岛|河|林|香|色素|甜|繁|培|造|材|皮|石|栽|饲|喂|打磨|缝|刺绣|挑选|筛|分拣|质检|翻译|标注|成|制)|(?:扫地|擦窗|炒菜|陪伴|教育|早教|玩具|智能|工业|送餐|吸尘)?机器人(?:吸尘器|玩具|套装|模型|拼装|编程|擦窗|扫地)|(?:扫地|擦窗|炒菜|陪伴|教育|早教|玩具|工业|送餐|吸尘|智能)机器人|ai(?:音箱|手表|眼镜|耳机|翻译|助手)|真人(?:实拍|图|照|秀|版|尺寸|试穿|上身|模特|视频|演示)")]
    private static partial Regex OtherSense();

    [GeneratedRegex("不用|不要|不需要|无需|不必|没必要|别|甭|不想|不是要|不找|不转|用不着|不麻烦")]
    private static partial Regex NegationBefore();

    [GeneratedRegex("人工|真人|活人|真的人|坐席|转接|转客服|接客服|找客服|要客服|叫客服|换客服|客服在吗|客服呢|客服人员|在线客服|人类客服|有人(?:在)?(?:吗|嘛|么|没)|有没有人(?:在|吗|啊|理|管|回)|来个人|来个活人|找个人|换个人|换人")]
    private static partial Regex StrongChinese();

    // A request verb, then (without crossing punctuation) someone who is a person at the business.
    [GeneratedRegex(@"(?:找|叫|喊|让|请|联系|联络|转|接|换|要|安排|给我|帮我|呼叫|对接|派)[^，,。.！!？?；;]{0,8}?(?:客服|经理|主管|负责人|领导|上级|老板|店长|专人|同事|管事|工作人员|员工|售后人员|部门的人|的人来|专员|顾问|值班)")]
    private static partial Regex PersonWithVerb();

    [GeneratedRegex("(?:跟|和|与|同)(?:真|活)?人(?:说话|聊|谈|讲|沟通|交流|对话)|人来(?:回答|处理|回复|跟我|和我|解决|对接)|人(?:工)?(?:跟进|对接)")]
    private static partial Regex TalkToPerson();

    // Wanting anything but the bot: 不要机器人, 机器人没用, 别用自动回复敷衍.
    [GeneratedRegex("(?:不要|不想|别|不跟|不和|受够了?)(?:跟|和|用|再)?(?:机器人|自动回复|机器|ai|bot)|(?:机器人|自动回复)(?:没用|有什么用|太笨|听不懂|不行|垃圾|答非所问)|不是机器人(?:吧|吗)")]
    private static partial Regex NotTheBot();

    [GeneratedRegex("(?:给我|跟我|帮我)?(?:打|回)(?:个|一个|一下)?电话(?:给我|过来|联系)?|电话(?:联系|沟通)(?:我|一下)|回电|来电话|打字说不清")]
    private static partial Regex CallMe();

    [GeneratedRegex(@"\b(?:human|humans|real person|live person|live agent|agent|representative|rep|operator|someone real|real people|support staff|manager|supervisor)\b|\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:someone|somebody|a person|a human|anyone)|\bcall me\b")]
    private static partial Regex English();
}
