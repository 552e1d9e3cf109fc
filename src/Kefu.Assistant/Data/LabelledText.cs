namespace Kefu.Assistant.Data;

/// <summary>One example of a <c>text,label</c> file.</summary>
public sealed record LabelledText(string Text, string Label);

/// <summary>Reads the <c>text,label</c> CSV files of the evaluation data sets (header required, extra columns ignored).</summary>
public static class LabelledCsv
{
    public static IReadOnlyList<LabelledText> Read(string path)
    {
        var rows = Csv.Parse(File.ReadAllText(path));
        if (rows.Count == 0)
        {
            throw new FormatException($"{path}: the file is empty (expected the header text,label)");
        }

        var header = rows[0].Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        var text = header.IndexOf("text");
        var label = header.IndexOf("label");
        if (text < 0 || label < 0)
        {
            throw new FormatException($"{path}: the header must name the columns text and label (found: {string.Join(",", rows[0])})");
        }

        var result = new List<LabelledText>(rows.Count - 1);
        for (var i = 1; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Length == 1 && row[0].Length == 0)
            {
                continue;
            }

            if (row.Length <= Math.Max(text, label))
            {
                throw new FormatException($"{path}: row {i + 1} has {row.Length} field(s), expected at least {Math.Max(text, label) + 1}");
            }

            result.Add(new LabelledText(row[text], row[label].Trim()));
        }

        return result;
    }
}
