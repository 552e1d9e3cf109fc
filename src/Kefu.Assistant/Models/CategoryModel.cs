using Kefu.Assistant.Data;

namespace Kefu.Assistant.Models;

/// <summary>A category suggestion for a message: the category key and the classifier's probability.</summary>
public sealed record CategorySuggestion(string Key, double Confidence);

/// <summary>
/// Suggests the conversation category (the 25-type taxonomy, or whatever keys admins use) of a customer message:
/// a text classifier trained on shipped bilingual examples per default category plus agents' corrections (messages
/// of conversations an agent categorised), which count double and may name categories the seed does not know.
/// </summary>
public sealed class CategoryModel
{
    private readonly TextClassifier classifier;

    private CategoryModel(TextClassifier classifier) => this.classifier = classifier;

    public IReadOnlyList<string> Keys => classifier.Labels;

    /// <summary>The shipped examples (text,label = category key), Chinese and English.</summary>
    public static IReadOnlyList<LabelledText> SeedExamples { get; } = LoadSeed();

    /// <param name="keys">The categories that exist (active); examples of other keys are left out. Null keeps all.</param>
    public static CategoryModel? Train(IEnumerable<LabelledText> corrections, IReadOnlySet<string>? keys = null)
    {
        var learned = corrections.ToList();
        var examples = SeedExamples.Concat(learned).Concat(learned)
            .Where(e => keys is null || keys.Contains(e.Label)).ToList();
        if (examples.Select(e => e.Label).Distinct().Count() < 2)
        {
            return null;
        }

        return new CategoryModel(TextClassifier.Train(examples, new TextClassifierOptions { CharNgrams = 3 }));
    }

    public CategorySuggestion Suggest(string text)
    {
        var (label, probability) = classifier.Predict(text);
        return new CategorySuggestion(label, probability);
    }

    private static IReadOnlyList<LabelledText> LoadSeed()
    {
        using var stream = typeof(CategoryModel).Assembly.GetManifestResourceStream("Kefu.Assistant.category_seed.csv")
            ?? throw new InvalidOperationException("The category seed examples are missing from the assembly.");
        using var reader = new StreamReader(stream);
        return Csv.Parse(reader.ReadToEnd()).Skip(1).Where(r => r.Length >= 2).Select(r => new LabelledText(r[0], r[1])).ToList();
    }
}
