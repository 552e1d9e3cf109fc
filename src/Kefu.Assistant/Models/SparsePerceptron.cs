using System.Runtime.InteropServices;

namespace Kefu.Assistant.Models;

/// <summary>
/// A multi-class averaged perceptron over sparse feature vectors, with a margin: an example updates the weights
/// until its own class scores at least <c>margin</c> above every other class. Unlike one-versus-all training, the cost
/// grows with the number of features a class actually shares with others, not with the number of classes times the
/// number of examples, so a knowledge base of 10,000 entries trains in minutes and scores in well under a
/// millisecond (docs/benchmarks.md). Weights are stored per feature as the classes that feature speaks for.
/// </summary>
internal sealed class SparsePerceptron
{
    private readonly int[][] classes;
    private readonly float[][] weights;

    private SparsePerceptron(int[][] classes, float[][] weights, int classCount)
    {
        this.classes = classes;
        this.weights = weights;
        ClassCount = classCount;
    }

    public int ClassCount { get; }

    /// <param name="examples">Sparse vectors (feature indices and values) with their class index.</param>
    public static SparsePerceptron Train(IReadOnlyList<(int[] Indices, float[] Values, int Label)> examples, int featureCount, int classCount, int epochs, float margin, int seed)
    {
        var table = new Dictionary<int, (float W, float U)>?[featureCount];
        var scores = new float[classCount];
        var order = Enumerable.Range(0, examples.Count).ToArray();
        var random = new Random(seed);
        var step = 1;
        for (var epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            foreach (var i in order)
            {
                var (indices, values, label) = examples[i];
                Array.Clear(scores);
                for (var k = 0; k < indices.Length; k++)
                {
                    if (table[indices[k]] is { } row)
                    {
                        foreach (var (c, wu) in row)
                        {
                            scores[c] += values[k] * wu.W;
                        }
                    }
                }

                var gold = scores[label];
                scores[label] = float.NegativeInfinity;
                var rival = 0;
                for (var c = 1; c < classCount; c++)
                {
                    if (scores[c] > scores[rival])
                    {
                        rival = c;
                    }
                }

                if (rival != label && scores[rival] > gold - margin)
                {
                    for (var k = 0; k < indices.Length; k++)
                    {
                        var row = table[indices[k]] ??= [];
                        Update(row, label, values[k], step);
                        Update(row, rival, -values[k], step);
                    }
                }

                step++;
            }
        }

        // Freeze the averaged weights (w − u / steps) into compact arrays.
        var frozenClasses = new int[featureCount][];
        var frozenWeights = new float[featureCount][];
        for (var f = 0; f < featureCount; f++)
        {
            var row = table[f];
            frozenClasses[f] = row is null ? [] : [.. row.Keys];
            frozenWeights[f] = row is null ? [] : [.. row.Values.Select(wu => wu.W - wu.U / step)];
        }

        return new SparsePerceptron(frozenClasses, frozenWeights, classCount);
    }

    /// <summary>Adds the score of every class for the vector into <paramref name="scores"/> (cleared first).</summary>
    public void Score(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, Span<float> scores)
    {
        scores.Clear();
        for (var k = 0; k < indices.Length; k++)
        {
            var f = indices[k];
            if ((uint)f >= (uint)classes.Length)
            {
                continue;
            }

            var cs = classes[f];
            var ws = weights[f];
            var v = values[k];
            for (var j = 0; j < cs.Length; j++)
            {
                scores[cs[j]] += v * ws[j];
            }
        }
    }

    private static void Update(Dictionary<int, (float W, float U)> row, int c, float delta, int step)
    {
        ref var wu = ref CollectionsMarshal.GetValueRefOrAddDefault(row, c, out _);
        wu.W += delta;
        wu.U += step * delta;
    }
}
