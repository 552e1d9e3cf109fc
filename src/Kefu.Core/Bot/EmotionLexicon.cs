using System.Text.RegularExpressions;

namespace Kefu.Core.Bot;

/// <summary>A lexicon score: how negative (and positive) a message reads, and the cues that made it so.</summary>
public sealed record LexiconScore(double Negative, double Positive, IReadOnlyList<string> Cues)
{
    /// <summary>Positive minus negative, clamped to [-1, 1].</summary>
    public double Polarity => Math.Clamp(Positive - Negative, -1, 1);
}

/// <summary>
/// Hand-written Chinese and English emotion lexicon for customer-service messages: anger, disappointment,
/// complaint and exposure threats (不满, 失望, 投诉, 差评, 曝光, angry…), sarcasm (呵呵, 真是好服务, 我真是佩服) and
/// frustration patterns (说好的…结果, 又发错了, 到底什么时候). A cue right after a negation (我不生气, 没有投诉的意思,
/// 不是不满意) does not count. Used for handoff and as the default sentiment score when no trained model exists.
/// </summary>
public static partial class EmotionLexicon
{
    /// <summary>At or above this negative score a message shows negative emotion.</summary>
    public const double NegativeThreshold = 1.0;

    public static bool IsNegative(string text) => Score(text).Negative >= NegativeThreshold;

    public static LexiconScore Score(string text)
    {
        var t = TextNormalizer.Normalize(text);
        double negative = 0, positive = 0;
        var cues = new List<string>();
        foreach (Match m in StrongNegative().Matches(t))
        {
            if (!Negated(t, m.Index))
            {
                negative += 1.0;
                cues.Add(m.Value);
            }
        }

        foreach (Match m in Sarcasm().Matches(t))
        {
            negative += 1.0;
            cues.Add(m.Value);
        }

        foreach (Match m in WeakNegative().Matches(t))
        {
            if (!Negated(t, m.Index))
            {
                negative += 0.5;
                cues.Add(m.Value);
            }
        }

        foreach (Match m in EnglishNegative().Matches(t))
        {
            if (!Negated(t, m.Index))
            {
                negative += 1.0;
                cues.Add(m.Value);
            }
        }

        if (negative == 0)
        {
            foreach (Match m in PositiveCue().Matches(t))
            {
                if (!Negated(t, m.Index))
                {
                    positive += 0.7;
                    cues.Add(m.Value);
                }
            }
        }

        return new LexiconScore(Math.Min(negative, 3) / 1.0, Math.Min(positive, 3), cues);
    }

    private static bool Negated(string t, int index)
    {
        var before = t[Math.Max(0, index - 3)..index];
        return NegationBefore().IsMatch(before);
    }

    [GeneratedRegex("不是|没有|并不|并没|不会|不算|不太|谈不上|不|没|别")]
    private static partial Regex NegationBefore();

    [GeneratedRegex("不满|失望|投诉|差评|生气|气死|气人|愤怒|恼火|火大|垃圾|骗子|骗人|骗钱|欺骗|欺诈|坑人|太坑|好坑|真坑|坑爹|被坑|坑了|恶心|无语|离谱|太差|很差|真差|超差|差劲|最差|什么破|这破|破玩意|什么玩意|什么鬼|受够|忍无可忍|没有?耐心|不耐烦|烦死|烦人|好烦|真烦|倒霉|倒了霉|后悔|上当|曝光|揭露|12315|工商局|工商部门|消协|消费者协会|起诉|告你们|律师|法院|报警|举报|跑路|黑店|奸商|敷衍|态度差|态度恶劣|答非所问|不负责|搞什么|有病|滚(?:吧|蛋|开)|去死|他妈|妈的|傻逼|笑话|心寒|寒心|绝望|崩溃|伤心|难过|委屈|郁闷|闹心|糟糕|糟透|再也不买|再也不来|再也不会|拉黑|不靠谱|忽悠|耍我|玩我|当我傻|过分|欺人太甚|岂有此理|不像话|无耻|流氓|霸王条款|醉了|(?:真|我)服了|服了你|不在乎|没人管|没人理|不理人|石沉大海|笑死|离了个大谱|坑|烂透|太烂|真烂|好烂|很烂|破快递|破东西|破app|太慢了|慢死|等死|急死|白等|浪费我|凭什么|什么态度|推卸|推脱|踢皮球|扯皮|太难了|太失败|气炸|抓狂|受不了|不可理喻|一塌糊涂|没良心|黑心|还钱|怒")]
    private static partial Regex StrongNegative();

    // Praise around a bad event, mock admiration and rhetorical jabs read as negative.
    [GeneratedRegex("呵呵|(?:真是|真|太|好)(?:棒|好|厉害|行|优秀|高效|给力|靠谱)(?:啊|呀|了)?[，,、 ].{0,8}(?:坏的|坏了|错了|又是|又坏|又错|又发错|又没|又不)|(?:真是|真)(?:好|棒)(?:服务|效率|质量|态度)|佩服|这效率|就这(?:服务|质量|态度|效率)|这就是你们的|就这[？?]|说好的.{0,12}(?:结果|怎么|还|却|才)|你们(?:到底|究竟)有没有|根本(?:不|没)|就会(?:说|推|敷衍|道歉)|(?:拖|等)(?:了)?(?:这么|那么|好)久|又(?:发错|错|坏|是坏|出问题|延迟|不发|没到|漏)|三番五次|多少次了|第[二三四五六七八九十几0-9]+次|都[几两三四五六七八九十0-9]+天了")]
    private static partial Regex Sarcasm();

    [GeneratedRegex("到底|究竟|还没|怎么还|一直没|一直不|为什么还|竟然|居然|太慢|好慢|很慢|差|烂|坏了|假货|不好|不行|问题|麻烦死|算了|无法接受|不能接受|再也|唉|哎|天天|从来(?:不|没)|是不是想|耽误|搞错|不太满意|不怎么样|[？?]{2,}|[！!]{2,}")]
    private static partial Regex WeakNegative();

    [GeneratedRegex(@"\b(?:angry|furious|mad|upset|annoyed|annoying|frustrat\w*|terrible|horrible|awful|worst|disappoint\w*|ridiculous|unacceptable|scam\w*|fraud|useless|rubbish|garbage|trash|hate|sucks?|wtf|pathetic|disgust\w*|complain\w*|sue|lawyer|never again|fed up|outrage\w*|shame\w*|sb|tmd|wtf)\b")]
    private static partial Regex EnglishNegative();

    [GeneratedRegex(@"谢谢|感谢|辛苦|点赞|好评|满意|喜欢|很好|不错|太棒|真棒|棒|给力|赞|开心|高兴|及时|专业|耐心|贴心|完美|\b(?:thanks?|thank you|great|love|perfect|awesome|excellent|happy|good|nice|helpful)\b")]
    private static partial Regex PositiveCue();
}
