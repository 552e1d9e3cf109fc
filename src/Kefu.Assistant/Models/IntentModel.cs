using Kefu.Assistant.Data;
using Kefu.Core.Bot;

namespace Kefu.Assistant.Models;

/// <summary>A ranked guess: the label and its confidence (a probability).</summary>
public sealed record Candidate(string Label, double Confidence);

/// <summary>What the intent model decided for one message.</summary>
public sealed record IntentResult(AnswerTier Tier, IReadOnlyList<Candidate> Top)
{
    public Candidate Best => Top[0];
}

/// <summary>
/// Intent detection with an explicit out-of-scope decision. When the training data holds examples of the
/// out-of-scope label, the classifier learns it as a class and the thresholds reject low-confidence messages
/// too; without such examples the model has no notion of "out of scope" and always returns its best intent.
/// </summary>
public sealed class IntentModel
{
    /// <summary>Tuned on the CLINC150 dev split (train on train): see docs/bot-evaluation.md.</summary>
    public static readonly AnswerThresholds DefaultThresholds = new(AnswerAtOrAbove: 0.5, OutOfScopeBelow: 0.32);

    private readonly TextClassifier classifier;

    private IntentModel(TextClassifier classifier, string oosLabel, bool knowsOos, AnswerThresholds thresholds)
    {
        this.classifier = classifier;
        OosLabel = oosLabel;
        KnowsOutOfScope = knowsOos;
        Thresholds = thresholds;
    }

    public string OosLabel { get; }

    public bool KnowsOutOfScope { get; }

    public AnswerThresholds Thresholds { get; }

    public IReadOnlyList<string> Labels() => classifier.Labels;

    public static IntentModel Train(IReadOnlyList<LabelledText> examples, string oosLabel = "oos", AnswerThresholds? thresholds = null, TextClassifierOptions? options = null)
    {
        var classifier = TextClassifier.Train(examples, options);
        return new IntentModel(classifier, oosLabel, examples.Any(e => e.Label == oosLabel), thresholds ?? DefaultThresholds);
    }

    public IntentResult Classify(string text)
    {
        var p = classifier.Probabilities(text);
        var top = Enumerable.Range(0, p.Length).OrderByDescending(i => p[i]).Take(3)
            .Select(i => new Candidate(classifier.Labels[i], p[i])).ToList();
        if (!KnowsOutOfScope)
        {
            return new IntentResult(top[0].Confidence >= Thresholds.AnswerAtOrAbove ? AnswerTier.Answer : AnswerTier.Suggest, top);
        }

        // The out-of-scope class is never offered as a suggestion.
        var inScope = top.Where(c => c.Label != OosLabel).ToList();
        var tier = Thresholds.Decide(top[0].Confidence, top[0].Label == OosLabel);
        return new IntentResult(tier, tier == AnswerTier.OutOfScope ? top : inScope);
    }
}
