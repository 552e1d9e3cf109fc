using Kefu.Assistant.Data;

namespace Kefu.Assistant.Tests;

public sealed class CsvTests
{
    [Fact]
    public void Parse_QuotedFieldsWithCommasQuotesAndLineBreaks_RoundTrips()
    {
        var rows = Csv.Parse("text,label\r\n\"a, b\",x\r\n\"say \"\"hi\"\"\",y\r\n\"two\r\nlines\",z\r\nplain,w\r\n");

        Assert.Equal([["text", "label"], ["a, b", "x"], ["say \"hi\"", "y"], ["two\r\nlines", "z"], ["plain", "w"]], rows);
    }

    [Fact]
    public void Parse_UnterminatedQuote_FormatException() => Assert.Throws<FormatException>(() => Csv.Parse("text,label\r\n\"open,x\r\n"));

    [Fact]
    public void FaqCsv_ParseAndWrite_RoundTrips()
    {
        var kb = Fixtures.Kb();

        Assert.Equal(4, kb.Count);
        Assert.Equal(["能开发票吗", "发票在哪里申请", "我要开增值税发票", "can I get an invoice, please"], kb[2].Similar);
        var again = FaqCsv.Parse(FaqCsv.Write(kb));
        Assert.Equal(kb.Select(e => (e.Id, e.Category, e.Question, string.Join("|", e.Similar), e.Answer)),
            again.Select(e => (e.Id, e.Category, e.Question, string.Join("|", e.Similar), e.Answer)));
    }

    [Fact]
    public void FaqCsv_DuplicateId_FormatException() =>
        Assert.Throws<FormatException>(() => FaqCsv.Parse("id,category,question,similar,answer\r\nA,c,q1,,a\r\nA,c,q2,,a\r\n"));

    [Fact]
    public void LabelledCsv_MissingLabelColumn_FormatException()
    {
        var path = Fixtures.WriteTemp("text,category\r\nhello,x\r\n", "bad.csv");

        Assert.Throws<FormatException>(() => LabelledCsv.Read(path));
    }
}
