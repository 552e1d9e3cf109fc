using Kefu.Assistant.Data;
using Kefu.Core.Bot;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms.Text;

namespace Kefu.Assistant.Models;

/// <summary>How a <see cref="TextClassifier"/> is featurised and trained.</summary>
public sealed record TextClassifierOptions
{
    /// <summary>Word n-grams up to this length (all shorter lengths too). Chinese characters count as words, so 2 gives character bigrams.</summary>
    public int WordNgrams { get; init; } = 2;

    /// <summary>Character n-grams up to this length (all lengths from 1) over the unsegmented text; 0 turns them off.</summary>
    public int CharNgrams { get; init; } = 4;

    public float L2 { get; init; } = 1e-4f;

    public int Iterations { get; init; } = 10;

    /// <summary>Weigh each class inversely to its frequency (helps macro-F1 on skewed label sets such as sentiment).</summary>
    public bool BalanceClasses { get; init; }

    public int Seed { get; init; } = 1;

    public ClassifierTrainer Trainer { get; init; } = ClassifierTrainer.OneVersusAllAveragedPerceptron;

    public NgramWeighting Weighting { get; init; } = NgramWeighting.TfIdf;

    /// <summary>For <see cref="ClassifierTrainer.SparseMulticlassPerceptron"/>: how far the right class must score above the others.</summary>
    public float Margin { get; init; } = 1f;

    /// <summary>
    /// For <see cref="ClassifierTrainer.SparseMulticlassPerceptron"/>: the slope of the sigmoid that turns scores into
    /// probabilities comparable with the calibrated ones of the other trainers (chosen on faq_zh_ecommerce dev).
    /// </summary>
    public float CalibrationScale { get; init; } = 4f;
}

public enum ClassifierTrainer
{
    SdcaMaximumEntropy,
    LbfgsMaximumEntropy,
    OneVersusAllAveragedPerceptron,
    OneVersusAllSdcaLogistic,
    OneVersusAllLbfgsLogistic,

    /// <summary>
    /// ML.NET's featurisation, then a multi-class averaged perceptron over the sparse vectors (<see cref="SparsePerceptron"/>):
    /// the only one here whose training and prediction scale to thousands of classes (a large knowledge base).
    /// </summary>
    SparseMulticlassPerceptron,
}

public enum NgramWeighting
{
    Tf,
    TfIdf,
}

/// <summary>
/// A multi-class text classifier: ML.NET bag of word n-grams and character n-grams (TF-IDF, each L2-normalised), then
/// by default one-versus-all averaged perceptrons with Platt-calibrated, normalised probabilities as the confidence
/// (on BANKING77 dev this beat SDCA and L-BFGS maximum entropy in accuracy and training time: docs/bot-evaluation.md). Chinese is segmented into characters
/// (see <see cref="TextNormalizer.Tokenize"/>) because FeaturizeText only splits on spaces and punctuation.
/// Thread-safe: predictions go through a small pool of prediction engines.
/// </summary>
public sealed class TextClassifier
{
    private readonly MLContext ml;
    private readonly ITransformer model;
    private readonly SparsePerceptron? perceptron;
    private readonly float calibrationScale;
    private readonly Stack<PredictionEngine<Input, Output>> pool = new();
    private readonly Stack<PredictionEngine<Input, FeaturesOutput>> featurePool = new();

    private TextClassifier(MLContext ml, ITransformer model, IReadOnlyList<string> labels, SparsePerceptron? perceptron = null, float calibrationScale = 1)
    {
        this.ml = ml;
        this.model = model;
        this.perceptron = perceptron;
        this.calibrationScale = calibrationScale;
        Labels = labels;
    }

    /// <summary>The classes, in the order of <see cref="Probabilities"/>.</summary>
    public IReadOnlyList<string> Labels { get; }

    public static TextClassifier Train(IEnumerable<LabelledText> examples, TextClassifierOptions? options = null)
    {
        options ??= new TextClassifierOptions();
        var rows = examples.Select(e => ToInput(e.Text, e.Label)).ToList();
        if (rows.Count == 0)
        {
            throw new ArgumentException("no training examples", nameof(examples));
        }

        if (options.BalanceClasses)
        {
            var counts = rows.GroupBy(r => r.Label).ToDictionary(g => g.Key, g => g.Count());
            var mean = rows.Count / (float)counts.Count;
            foreach (var r in rows)
            {
                r.Weight = mean / counts[r.Label];
            }
        }

        var ml = new MLContext(options.Seed);
        var data = ml.Data.LoadFromEnumerable(rows);
        var features = new List<string>();
        IEstimator<ITransformer> pipeline = ml.Transforms.Conversion.MapValueToKey("Label");
        if (options.WordNgrams > 0)
        {
            pipeline = pipeline.Append(ml.Transforms.Text.FeaturizeText("WordFeatures", Featurizer(options.WordNgrams, word: true, options.Weighting), nameof(Input.Tokens)));
            features.Add("WordFeatures");
        }

        if (options.CharNgrams > 0)
        {
            pipeline = pipeline.Append(ml.Transforms.Text.FeaturizeText("CharFeatures", Featurizer(options.CharNgrams, word: false, options.Weighting), nameof(Input.Chars)));
            features.Add("CharFeatures");
        }

        pipeline = pipeline.Append(ml.Transforms.Concatenate("Features", [.. features]));
        if (options.Trainer == ClassifierTrainer.SparseMulticlassPerceptron)
        {
            return TrainPerceptron(ml, pipeline.Fit(data), data, options);
        }

        // Featurise once: without the cache every training pass would tokenise and count n-grams again.
        pipeline = pipeline.AppendCacheCheckpoint(ml).Append(Trainer(ml, options));
        var model = pipeline.Fit(data);
        var schema = model.GetOutputSchema(data.Schema);
        VBuffer<ReadOnlyMemory<char>> names = default;
        schema["Score"].GetSlotNames(ref names);
        var labels = names.DenseValues().Select(n => n.ToString()).ToArray();
        return new TextClassifier(ml, model, labels);
    }

    /// <summary>Probability of each label (same order as <see cref="Labels"/>), summing to 1.</summary>
    public float[] Probabilities(string text)
    {
        if (perceptron is null)
        {
            return Run(pool, text, o => (float[])o.Score.Clone());
        }

        return Run(featurePool, text, o =>
        {
            var scores = new float[perceptron.ClassCount];
            var features = o.Features;
            if (features.IsDense)
            {
                var indices = Enumerable.Range(0, features.Length).ToArray();
                perceptron.Score(indices, features.GetValues(), scores);
            }
            else
            {
                perceptron.Score(features.GetIndices(), features.GetValues(), scores);
            }

            Calibrate(scores, calibrationScale);
            return scores;
        });
    }

    private T Run<TOut, T>(Stack<PredictionEngine<Input, TOut>> engines, string text, Func<TOut, T> read)
        where TOut : class, new()
    {
        PredictionEngine<Input, TOut>? engine;
        lock (engines)
        {
            engines.TryPop(out engine);
        }

        engine ??= ml.Model.CreatePredictionEngine<Input, TOut>(model);
        try
        {
            return read(engine.Predict(ToInput(text, "")));
        }
        finally
        {
            lock (engines)
            {
                engines.Push(engine);
            }
        }
    }

    private static TextClassifier TrainPerceptron(MLContext ml, ITransformer featurizer, IDataView data, TextClassifierOptions options)
    {
        var featurized = featurizer.Transform(data);
        VBuffer<ReadOnlyMemory<char>> names = default;
        featurized.Schema["Label"].GetKeyValues(ref names);
        var labels = names.DenseValues().Select(n => n.ToString()).ToArray();
        var featureCount = ((VectorDataViewType)featurized.Schema["Features"].Type).Size;
        var examples = new List<(int[], float[], int)>();
        using (var cursor = featurized.GetRowCursor([featurized.Schema["Features"], featurized.Schema["Label"]]))
        {
            var getFeatures = cursor.GetGetter<VBuffer<float>>(featurized.Schema["Features"]);
            var getLabel = cursor.GetGetter<uint>(featurized.Schema["Label"]);
            VBuffer<float> features = default;
            uint label = 0;
            while (cursor.MoveNext())
            {
                getFeatures(ref features);
                getLabel(ref label);
                var indices = features.IsDense ? Enumerable.Range(0, features.Length).ToArray() : features.GetIndices().ToArray();
                examples.Add((indices, features.GetValues().ToArray(), (int)label - 1));
            }
        }

        var perceptron = SparsePerceptron.Train(examples, featureCount, labels.Length, options.Iterations, options.Margin, options.Seed);
        return new TextClassifier(ml, featurizer, labels, perceptron, options.CalibrationScale);
    }

    // Each class's score through a sigmoid (a score of 1, the training margin, maps to one half), then normalised:
    // like one-versus-all probabilities, a message that matches no class well leaves every class low.
    private static void Calibrate(float[] scores, float scale)
    {
        var sum = 0.0;
        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = 1f / (1f + MathF.Exp(-scale * (scores[i] - 1f)));
            sum += scores[i];
        }

        for (var i = 0; i < scores.Length; i++)
        {
            scores[i] = (float)(scores[i] / sum);
        }
    }

    public (string Label, float Probability) Predict(string text)
    {
        var p = Probabilities(text);
        var best = 0;
        for (var i = 1; i < p.Length; i++)
        {
            if (p[i] > p[best])
            {
                best = i;
            }
        }

        return (Labels[best], p[best]);
    }

    private static IEstimator<ITransformer> Trainer(MLContext ml, TextClassifierOptions o)
    {
        var weight = o.BalanceClasses ? nameof(Input.Weight) : null;
        var trainers = ml.MulticlassClassification.Trainers;
        var binary = ml.BinaryClassification.Trainers;
        return o.Trainer switch
        {
            ClassifierTrainer.SdcaMaximumEntropy => trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                L2Regularization = o.L2, MaximumNumberOfIterations = o.Iterations, ExampleWeightColumnName = weight, Shuffle = true,
            }),
            ClassifierTrainer.LbfgsMaximumEntropy => trainers.LbfgsMaximumEntropy(new LbfgsMaximumEntropyMulticlassTrainer.Options
            {
                L2Regularization = o.L2, L1Regularization = 0, MaximumNumberOfIterations = o.Iterations, ExampleWeightColumnName = weight,
                OptimizationTolerance = 1e-6f, HistorySize = 20,
            }),
            ClassifierTrainer.OneVersusAllAveragedPerceptron => trainers.OneVersusAll(binary.AveragedPerceptron(numberOfIterations: o.Iterations), useProbabilities: true),
            ClassifierTrainer.OneVersusAllSdcaLogistic => trainers.OneVersusAll(binary.SdcaLogisticRegression(new SdcaLogisticRegressionBinaryTrainer.Options
            {
                L2Regularization = o.L2, MaximumNumberOfIterations = o.Iterations, ExampleWeightColumnName = weight, Shuffle = true,
            })),
            ClassifierTrainer.OneVersusAllLbfgsLogistic => trainers.OneVersusAll(binary.LbfgsLogisticRegression(new LbfgsLogisticRegressionBinaryTrainer.Options
            {
                L2Regularization = o.L2, L1Regularization = 0, MaximumNumberOfIterations = o.Iterations, ExampleWeightColumnName = weight,
            })),
            ClassifierTrainer.SparseMulticlassPerceptron => throw new InvalidOperationException("trained outside ML.NET's trainers"),
        };
    }

    private static TextFeaturizingEstimator.Options Featurizer(int n, bool word, NgramWeighting weighting) => new()
    {
        CaseMode = TextNormalizingEstimator.CaseMode.None,
        KeepDiacritics = true,
        KeepPunctuations = !word,
        KeepNumbers = true,
        StopWordsRemoverOptions = null,
        WordFeatureExtractor = word ? new WordBagEstimator.Options { NgramLength = n, UseAllLengths = true, Weighting = W(weighting) } : null,
        CharFeatureExtractor = word ? null : new WordBagEstimator.Options { NgramLength = n, UseAllLengths = true, Weighting = W(weighting) },
        Norm = TextFeaturizingEstimator.NormFunction.L2,
    };

    private static NgramExtractingEstimator.WeightingCriteria W(NgramWeighting w) => w switch
    {
        NgramWeighting.Tf => NgramExtractingEstimator.WeightingCriteria.Tf,
        NgramWeighting.TfIdf => NgramExtractingEstimator.WeightingCriteria.TfIdf,
    };

    private static Input ToInput(string text, string label)
    {
        var normalized = TextNormalizer.Normalize(text);
        return new Input { Tokens = TextNormalizer.Tokenize(normalized), Chars = normalized, Label = label, Weight = 1 };
    }

    private sealed class Input
    {
        public string Tokens { get; set; } = "";

        public string Chars { get; set; } = "";

        public string Label { get; set; } = "";

        public float Weight { get; set; }
    }

    private sealed class Output
    {
        public float[] Score { get; set; } = [];
    }

    private sealed class FeaturesOutput
    {
        public VBuffer<float> Features { get; set; }
    }
}
