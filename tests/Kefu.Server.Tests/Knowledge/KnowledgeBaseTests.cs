using System.Net.Http.Headers;
using System.Text;
using Kefu.Assistant.Data;
using Kefu.Core.Agents;
using Kefu.Core.Knowledge;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Knowledge;

namespace Kefu.Server.Tests.Knowledge;

public sealed class KnowledgeBaseTests(Apps apps) : ServerTest(apps)
{
    private const string Faqs = "/api/v1/kb/faqs";
    private const string Articles = "/api/v1/kb/articles";
    private const string Categories = "/api/v1/kb/categories";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Faq_EditAndRestore_KeepsEveryRevisionAndRestoresTheText(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var key = "F" + Unique.Id();

        var created = await admin.Http.PostJsonAsync(Faqs, new
        {
            language = "zh-CN", key, question = "退货运费谁承担？", similar = new[] { "退货要自己出运费吗", " 退货运费谁出 ", "退货要自己出运费吗" }, answer = "质量问题由我们承担运费。",
        }).ReadAsync<FaqDto>(HttpStatusCode.Created);
        Assert.Equal((KbStatus.Draft, 1, key), (created.Status, created.Revision, created.Key));
        Assert.Equal(["退货要自己出运费吗", "退货运费谁出"], created.Similar);

        var edited = await admin.Http.PutAsJsonAsync($"{Faqs}/{created.Id}", new FaqRequest(null, key, null, "退货的运费由谁承担？", created.Similar, "七天无理由退货由买家承担运费。", KbStatus.Published), Http.Json)
            .ReadAsync<FaqDto>(HttpStatusCode.OK);
        Assert.Equal((KbStatus.Published, 2), (edited.Status, edited.Revision));
        Assert.NotNull(edited.PublishedAt);

        // An edit based on an old version is refused, not lost.
        var stale = new HttpRequestMessage(HttpMethod.Put, $"{Faqs}/{created.Id}") { Content = Http.Body(new FaqRequest(null, key, null, "x？", [], "y", null)) };
        stale.Headers.TryAddWithoutValidation("If-Match", $"\"{created.Version}\"");
        await admin.Http.SendAsync(stale).ProblemAsync(HttpStatusCode.Conflict);

        var revisions = await admin.Http.GetAsync($"{Faqs}/{created.Id}/revisions").ReadAsync<List<RevisionDto>>(HttpStatusCode.OK);
        Assert.Equal([2, 1], revisions.Select(r => r.Number));
        Assert.Equal("质量问题由我们承担运费。", revisions[1].Body);

        var restored = await admin.Http.PostAsync($"{Faqs}/{created.Id}/revisions/1/restore", null).ReadAsync<FaqDto>(HttpStatusCode.OK);
        Assert.Equal(("退货运费谁承担？", "质量问题由我们承担运费。", 3), (restored.Question, restored.Answer, restored.Revision));
        Assert.Equal(KbStatus.Published, restored.Status);
        await admin.Http.PostAsync($"{Faqs}/{created.Id}/revisions/9/restore", null).ProblemAsync(HttpStatusCode.NotFound);

        var fetched = await admin.Http.GetAsync($"{Faqs}/{created.Id}");
        Assert.Equal($"\"{restored.Version}\"", fetched.Headers.ETag?.ToString());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Faq_InvalidInput_ReturnsFieldErrorsAndWritesNothing(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var key = "dup-" + Unique.Id();

        var missing = await admin.Http.PostJsonAsync(Faqs, new { language = "fr", key = "bad key!", similar = new[] { "a|b" } }).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["answer", "key", "language", "question", "similar[0]"], missing.Fields.Order(StringComparer.Ordinal));

        await admin.Http.PostJsonAsync(Faqs, new { language = "en", key, question = "Where is my order?", answer = "See Orders." }).ExpectAsync(HttpStatusCode.Created);
        (await admin.Http.PostJsonAsync(Faqs, new { language = "en", key, question = "Again?", answer = "x" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("key");
        // The same id in the other language is its translation, not a duplicate.
        await admin.Http.PostJsonAsync(Faqs, new { language = "zh-CN", key, question = "我的订单在哪？", answer = "见订单页。" }).ExpectAsync(HttpStatusCode.Created);
        (await admin.Http.PostJsonAsync(Faqs, new { language = "en", question = "Q?", answer = "A", categoryId = Guid.NewGuid() }).ProblemAsync(HttpStatusCode.BadRequest)).Field("categoryId");

        var page = await admin.Http.GetAsync($"{Faqs}?q={key}").ReadAsync<Page<FaqDto>>(HttpStatusCode.OK);
        Assert.Equal(["en", "zh-CN"], page.Items.Select(f => f.Language).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Import_ValidCsv_CreatesThenUpdatesAndExportRoundTrips(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var u = Unique.Id();
        var category = "cat_" + u;
        var csv = "id,category,question,similar,answer\r\n" +
                  $"A{u},{category},\"Can I pay with a card, or cash?\",\"Do you take Visa?|Is \"\"cash on delivery\"\" possible?\",\"Yes:\r\ncards and cash.\"\r\n" +
                  $"B{u},,How long is delivery {u}?,Shipping time {u}|When will it arrive {u},Two days.\r\n";

        var dry = await admin.Http.PostAsync($"{Faqs}/import?language=en&dryRun=true", new StringContent(csv, Encoding.UTF8, "text/csv")).ReadAsync<FaqImportReport>(HttpStatusCode.OK);
        Assert.Equal((2, 0, 1, true), (dry.Created, dry.Updated, dry.CategoriesCreated, dry.DryRun));
        Assert.Empty((await admin.Http.GetAsync($"{Faqs}?language=en&q=A{u}").ReadAsync<Page<FaqDto>>(HttpStatusCode.OK)).Items);

        var report = await admin.Http.PostAsync($"{Faqs}/import?language=en&publish=true", new StringContent(csv, Encoding.UTF8, "text/csv")).ReadAsync<FaqImportReport>(HttpStatusCode.OK);
        Assert.Equal((2, 0, 0, 1), (report.Created, report.Updated, report.Unchanged, report.CategoriesCreated));
        var first = Assert.Single((await admin.Http.GetAsync($"{Faqs}?language=en&q=A{u}").ReadAsync<Page<FaqDto>>(HttpStatusCode.OK)).Items);
        Assert.Equal(("Can I pay with a card, or cash?", "Yes:\r\ncards and cash.", KbStatus.Published), (first.Question, first.Answer, first.Status));
        Assert.Equal(["Do you take Visa?", "Is \"cash on delivery\" possible?"], first.Similar);
        var categories = await admin.Http.GetAsync(Categories).ReadAsync<List<KbCategoryDto>>(HttpStatusCode.OK);
        Assert.Equal(first.CategoryId, Assert.Single(categories, c => c.Slug == category).Id);

        // Export and import again: nothing changes; one edited answer is one update (a new revision).
        var export = await admin.Http.GetAsync($"{Faqs}/export?language=en");
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var exported = await export.Content.ReadAsStringAsync();
        var rows = FaqCsv.Parse(exported.TrimStart('\uFEFF')).Where(e => e.Id.EndsWith(u, StringComparison.Ordinal)).ToList();
        Assert.Equal([$"A{u}", $"B{u}"], rows.Select(r => r.Id));
        Assert.Equal((category, "Yes:\r\ncards and cash."), (rows[0].Category, rows[0].Answer));
        var mine = FaqCsv.Write(rows);
        var again = await admin.Http.PostAsync($"{Faqs}/import?language=en", new StringContent(mine, Encoding.UTF8, "text/csv")).ReadAsync<FaqImportReport>(HttpStatusCode.OK);
        Assert.Equal((0, 0, 2), (again.Created, again.Updated, again.Unchanged));
        var changed = mine.Replace("Two days.", "Three days.");
        var update = await admin.Http.PostAsync($"{Faqs}/import?language=en", new StringContent(changed, Encoding.UTF8, "text/csv")).ReadAsync<FaqImportReport>(HttpStatusCode.OK);
        Assert.Equal((0, 1, 1), (update.Created, update.Updated, update.Unchanged));
        var second = Assert.Single((await admin.Http.GetAsync($"{Faqs}?language=en&q=B{u}").ReadAsync<Page<FaqDto>>(HttpStatusCode.OK)).Items);
        Assert.Equal(("Three days.", 2, KbStatus.Published), (second.Answer, second.Revision, second.Status));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Import_BadRows_RejectsTheWholeFileWithRowErrors(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var u = Unique.Id();
        var csv = "id,category,question,similar,answer\n" +
                  $"G{u},,Good question {u}?,,Good answer\n" +
                  $"H{u},,,,Answer without a question\n" +
                  $"G{u},,Repeated id?,,x\n" +
                  $"I{u},Bad Slug,Category?,,x\n" +
                  $"J{u},,Too few fields\n";

        var form = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes(csv)) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "faq.csv" } };
        var problem = await admin.Http.PostAsync($"{Faqs}/import?language=en", form).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["rows[3].question", "rows[4].id", "rows[5].category", "rows[6]"], problem.Fields.Order(StringComparer.Ordinal));
        Assert.Contains("row 2", problem.Field("rows[4].id")[0]);
        Assert.Empty((await admin.Http.GetAsync($"{Faqs}?q=G{u}").ReadAsync<Page<FaqDto>>(HttpStatusCode.OK)).Items);

        (await admin.Http.PostAsync($"{Faqs}/import?language=en", new StringContent("question,answer\n\"unterminated", Encoding.UTF8, "text/csv")).ProblemAsync(HttpStatusCode.BadRequest)).Field("file");
        (await admin.Http.PostAsync($"{Faqs}/import?language=xx", new StringContent(csv, Encoding.UTF8, "text/csv")).ProblemAsync(HttpStatusCode.BadRequest)).Field("language");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Article_Markdown_IsRenderedSanitizedVersionedAndExported(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var u = Unique.Id();
        var category = await admin.Http.PostJsonAsync(Categories, new { slug = "returns-" + u, nameZh = "退换货", nameEn = "Returns" }).ReadAsync<KbCategoryDto>(HttpStatusCode.Created);
        var body = "## Before you start\n\nPack the item. <script>alert(1)</script>\n\n[Orders](javascript:alert(1)) and [site](https://example.com)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";

        var created = await admin.Http.PostJsonAsync(Articles, new { language = "en", title = $"How to return an item {u}", summary = "Returns in three steps.", body, categoryId = category.Id, status = "published" })
            .ReadAsync<ArticleDto>(HttpStatusCode.Created);
        Assert.Equal($"how-to-return-an-item-{u}", created.Slug);
        Assert.Contains("<h2 id=\"before-you-start\">Before you start</h2>", created.Html);
        Assert.Contains("<table>", created.Html);
        Assert.DoesNotContain("<script", created.Html);
        Assert.DoesNotContain("javascript:", created.Html);
        Assert.Contains("rel=\"noopener noreferrer nofollow\"", created.Html);

        var preview = await admin.Http.PostJsonAsync($"{Articles}/preview", new { body = "**bold**" }).ReadAsync<PreviewDto>(HttpStatusCode.OK);
        Assert.Equal("<p><strong>bold</strong></p>", preview.Html.Trim());

        var edited = await admin.Http.PutAsJsonAsync($"{Articles}/{created.Id}", new ArticleRequest(null, created.Slug, category.Id, created.Title, created.Summary, "Changed.", null, null), Http.Json)
            .ReadAsync<ArticleDto>(HttpStatusCode.OK);
        Assert.Equal((2, KbStatus.Published, "<p>Changed.</p>"), (edited.Revision, edited.Status, edited.Html.Trim()));
        var restored = await admin.Http.PostAsync($"{Articles}/{created.Id}/revisions/1/restore", null).ReadAsync<ArticleDto>(HttpStatusCode.OK);
        Assert.Equal((3, body), (restored.Revision, restored.Body));

        var markdown = await admin.Http.GetStringAsync($"{Articles}/{created.Id}/markdown");
        Assert.StartsWith("---\nslug: " + created.Slug, markdown);
        Assert.Contains($"category: returns-{u}", markdown);

        // The exported file, edited and imported again, updates the same article; under a new slug it is a new one.
        var reimported = await admin.Http.PostAsync($"{Articles}/import", new StringContent(markdown.Replace("Pack the item.", "Pack it well."), Encoding.UTF8, "text/markdown"))
            .ReadAsync<ArticleDto>(HttpStatusCode.OK);
        Assert.Equal((created.Id, 4), (reimported.Id, reimported.Revision));
        Assert.Contains("Pack it well.", reimported.Body);
        var copy = await admin.Http.PostAsync($"{Articles}/import", new StringContent(markdown.Replace("slug: " + created.Slug, "slug: copy-" + u), Encoding.UTF8, "text/markdown"))
            .ReadAsync<ArticleDto>(HttpStatusCode.Created);
        Assert.Equal(("copy-" + u, KbStatus.Published, category.Id), (copy.Slug, copy.Status, copy.CategoryId));
        var noFront = await admin.Http.PostAsync($"{Articles}/import?language=zh-CN", new StringContent($"# 如何开发票 {u}\n\n在订单页申请。", Encoding.UTF8, "text/markdown"))
            .ReadAsync<ArticleDto>(HttpStatusCode.Created);
        Assert.Equal(($"如何开发票 {u}", KbStatus.Draft, "zh-CN"), (noFront.Title, noFront.Status, noFront.Language));
        Assert.StartsWith("article-", (await admin.Http.PostJsonAsync(Articles, new { language = "zh-CN", title = "如何退款" }).ReadAsync<ArticleDto>(HttpStatusCode.Created)).Slug);

        var invalid = await admin.Http.PostJsonAsync(Articles, new { language = "en", title = "", slug = "Not A Slug", status = "published" }).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["body", "slug", "title"], invalid.Fields.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Writes_AsAgentOrAnonymous_AreRefused(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync(AgentRole.Agent);

        await agent.Http.GetAsync($"{Faqs}?language=en").ExpectAsync(HttpStatusCode.OK);
        await agent.Http.PostJsonAsync(Faqs, new { language = "en", question = "Q?", answer = "A" }).ProblemAsync(HttpStatusCode.Forbidden);
        await agent.Http.PostAsync($"{Faqs}/import?language=en", new StringContent("id,category,question,similar,answer\n", Encoding.UTF8, "text/csv")).ProblemAsync(HttpStatusCode.Forbidden);
        using var anonymous = app.Anonymous();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"{Faqs}?language=en")).StatusCode);
    }
}
