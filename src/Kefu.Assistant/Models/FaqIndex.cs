using Kefu.Assistant.Data;
using Kefu.Core.Bot;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Cjk;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace Kefu.Assistant.Models;

/// <summary>
/// In-memory Lucene.NET index of the knowledge base for BM25 retrieval: every phrasing (standard and similar
/// questions) is a document, and so is every answer (weighted lower: answers mention many things). Each text
/// is indexed twice: as CJK bigrams (Chinese) and with English analysis (stemming, stop words).
/// </summary>
public sealed class FaqIndex : IDisposable
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private const string Zh = "zh";
    private const string En = "en";
    private const float AnswerWeight = 0.3f;

    private readonly RAMDirectory directory = new();
    private readonly Analyzer analyzer;
    private readonly DirectoryReader reader;
    private readonly IndexSearcher searcher;

    // Stored fields cached per document number: reading them from Lucene for every hit cost more than the search.
    private readonly (string Id, bool IsAnswer)[] docs;

    public FaqIndex(IEnumerable<FaqEntry> entries)
    {
        analyzer = new PerFieldAnalyzerWrapper(new CJKAnalyzer(Version), new Dictionary<string, Analyzer>
        {
            [Zh] = new CJKAnalyzer(Version),
            [En] = new EnglishAnalyzer(Version),
        });
        var config = new IndexWriterConfig(Version, analyzer) { Similarity = new BM25Similarity() };
        using (var writer = new IndexWriter(directory, config))
        {
            foreach (var entry in entries)
            {
                foreach (var phrasing in entry.Phrasings)
                {
                    writer.AddDocument(Document(entry.Id, "q", phrasing));
                }

                if (entry.Answer.Length > 0)
                {
                    writer.AddDocument(Document(entry.Id, "a", entry.Answer));
                }
            }

            writer.Commit();
        }

        reader = DirectoryReader.Open(directory);
        searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        docs = new (string, bool)[reader.MaxDoc];
        for (var i = 0; i < reader.MaxDoc; i++)
        {
            var doc = reader.Document(i);
            docs[i] = (doc.Get("id"), doc.Get("kind") == "a");
        }
    }

    /// <summary>BM25 score per FAQ id (best phrasing; an answer hit counts at a lower weight), best first.</summary>
    public IReadOnlyList<(string Id, double Score)> Search(string text, int top = 20)
    {
        var normalized = TextNormalizer.Normalize(text);
        var query = new BooleanQuery();
        foreach (var field in new[] { Zh, En })
        {
            foreach (var term in Terms(field, normalized))
            {
                query.Add(new TermQuery(new Term(field, term)), Occur.SHOULD);
            }
        }

        if (query.Clauses.Count == 0)
        {
            return [];
        }

        var best = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var hit in searcher.Search(query, top * 8).ScoreDocs)
        {
            var (id, isAnswer) = docs[hit.Doc];
            var score = isAnswer ? hit.Score * AnswerWeight : hit.Score;
            if (!best.TryGetValue(id, out var current) || score > current)
            {
                best[id] = score;
            }
        }

        return best.OrderByDescending(kv => kv.Value).Take(top).Select(kv => (kv.Key, kv.Value)).ToList();
    }

    public void Dispose()
    {
        reader.Dispose();
        directory.Dispose();
        analyzer.Dispose();
    }

    private static Document Document(string id, string kind, string text)
    {
        var normalized = TextNormalizer.Normalize(text);
        return
        [
            new StringField("id", id, Field.Store.YES),
            new StringField("kind", kind, Field.Store.YES),
            new TextField(Zh, normalized, Field.Store.NO),
            new TextField(En, normalized, Field.Store.NO),
        ];
    }

    private List<string> Terms(string field, string text)
    {
        var terms = new List<string>();
        using var stream = analyzer.GetTokenStream(field, text);
        var attribute = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(attribute.ToString());
        }

        stream.End();
        return terms;
    }
}
