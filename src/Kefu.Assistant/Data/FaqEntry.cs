namespace Kefu.Assistant.Data;

/// <summary>An FAQ entry as the bot sees it: the standard question, its similar phrasings and the answer.</summary>
public sealed record FaqEntry(string Id, string Category, string Question, IReadOnlyList<string> Similar, string Answer)
{
    /// <summary>The standard question followed by the similar questions.</summary>
    public IEnumerable<string> Phrasings => Similar.Prepend(Question);
}

/// <summary>Reads and writes the knowledge-base CSV <c>id,category,question,similar,answer</c> (similar questions separated by <c>|</c>).</summary>
public static class FaqCsv
{
    private static readonly string[] Columns = ["id", "category", "question", "similar", "answer"];

    public static IReadOnlyList<FaqEntry> Read(string path) => Parse(File.ReadAllText(path), path);

    public static IReadOnlyList<FaqEntry> Parse(string content, string source = "kb")
    {
        var rows = Csv.Parse(content);
        if (rows.Count == 0)
        {
            throw new FormatException($"{source}: the file is empty (expected the header {string.Join(",", Columns)})");
        }

        var header = rows[0].Select(h => h.Trim().TrimStart('\uFEFF').ToLowerInvariant()).ToList();
        var at = Columns.Select(c => header.IndexOf(c)).ToArray();
        if (at[0] < 0 || at[2] < 0)
        {
            throw new FormatException($"{source}: the header must name at least id and question (expected {string.Join(",", Columns)})");
        }

        var entries = new List<FaqEntry>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i < rows.Count; i++)
        {
            var row = rows[i];
            if (row.Length == 1 && row[0].Length == 0)
            {
                continue;
            }

            string Field(int column) => at[column] >= 0 && at[column] < row.Length ? row[at[column]].Trim() : "";
            var id = Field(0);
            if (id.Length == 0 || Field(2).Length == 0)
            {
                throw new FormatException($"{source}: row {i + 1} needs an id and a question");
            }

            if (!ids.Add(id))
            {
                throw new FormatException($"{source}: row {i + 1} repeats the id {id}");
            }

            var similar = Field(3).Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            entries.Add(new FaqEntry(id, Field(1), Field(2), similar, Field(4)));
        }

        return entries;
    }

    public static string Write(IEnumerable<FaqEntry> entries)
    {
        var sb = new System.Text.StringBuilder();
        sb.Append(string.Join(",", Columns)).Append("\r\n");
        foreach (var e in entries)
        {
            sb.Append(Csv.Escape(e.Id)).Append(',').Append(Csv.Escape(e.Category)).Append(',').Append(Csv.Escape(e.Question)).Append(',')
                .Append(Csv.Escape(string.Join("|", e.Similar))).Append(',').Append(Csv.Escape(e.Answer)).Append("\r\n");
        }

        return sb.ToString();
    }
}
