using Kefu.Core.Knowledge;
using Kefu.Server.Features.Knowledge;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Knowledge;

public sealed class HelpCenterTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Article_Published_IsPublicHtmlWithTitleMetaRelatedAndFeedback(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var u = Unique.Id();
        var category = await admin.Http.PostJsonAsync("/api/v1/kb/categories", new { slug = "shipping-" + u, nameZh = "配送" + u, nameEn = "Shipping " + u }).ReadAsync<KbCategoryDto>(HttpStatusCode.Created);
        var article = await admin.Http.PostJsonAsync("/api/v1/kb/articles", new
        {
            language = "zh-CN", slug = "delivery-time-" + u, title = $"多久能收到货？{u}", summary = "下单后1到3天送达。", body = "## 配送时间\n\n一般**1到3天**送达。", categoryId = category.Id, status = "published",
        }).ReadAsync<ArticleDto>(HttpStatusCode.Created);
        var sibling = await admin.Http.PostJsonAsync("/api/v1/kb/articles", new
        {
            language = "zh-CN", slug = "remote-areas-" + u, title = $"偏远地区能配送吗？{u}", body = "可以。", categoryId = category.Id, status = "published",
        }).ReadAsync<ArticleDto>(HttpStatusCode.Created);
        var draft = await admin.Http.PostJsonAsync("/api/v1/kb/articles", new { language = "zh-CN", slug = "draft-" + u, title = "草稿", body = "x" }).ReadAsync<ArticleDto>(HttpStatusCode.Created);
        using var reader = app.Anonymous();

        var page = await reader.GetAsync($"/help/zh-CN/articles/{article.Slug}");
        var html = await page.ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("<html lang=\"zh-CN\"", html);
        Assert.Contains($"<title>多久能收到货？{u} · 帮助中心</title>", html);
        Assert.Contains("<meta name=\"description\" content=\"下单后1到3天送达。\"", html);
        Assert.Contains("<strong>1到3天</strong>", html);
        Assert.Contains($"/help/zh-CN/articles/{sibling.Slug}", html);
        Assert.Contains("这篇文章对您有帮助吗？", html);
        Assert.DoesNotContain("_blazor", html.Replace("_framework/blazor.web.js", ""));

        await reader.GetAsync($"/help/zh-CN/articles/{draft.Slug}").ExpectAsync(HttpStatusCode.NotFound);
        await reader.GetAsync($"/help/en/articles/{article.Slug}").ExpectAsync(HttpStatusCode.NotFound);
        await reader.GetAsync($"/help/fr").ExpectAsync(HttpStatusCode.NotFound);
        var category1 = await reader.GetAsync($"/help/zh-CN/categories/{category.Slug}").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains($"多久能收到货？{u}", category1);
        var english = await reader.GetAsync("/help/en").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("<html lang=\"en\"", english);
        Assert.Contains("How can we help?", english);

        // "Was this helpful?" is a plain form post answered with 303 back to the article.
        var vote = await reader.PostAsync($"/help/zh-CN/articles/{article.Slug}/feedback", new FormUrlEncodedContent([new("helpful", "yes")]));
        Assert.Equal(HttpStatusCode.SeeOther, vote.StatusCode);
        Assert.Equal($"/help/zh-CN/articles/{article.Slug}?feedback=thanks#feedback", vote.Headers.Location?.OriginalString);
        await reader.PostAsync($"/help/zh-CN/articles/{article.Slug}/feedback", new FormUrlEncodedContent([new("helpful", "no")]));
        var counts = await app.DbAsync(x => x.Articles.AsNoTracking().Where(a => a.Id == article.Id).Select(a => new { a.HelpfulCount, a.NotHelpfulCount, a.ViewCount }).SingleAsync());
        Assert.Equal((1, 1, 1), (counts.HelpfulCount, counts.NotHelpfulCount, counts.ViewCount));
        Assert.Contains("感谢您的反馈", await reader.GetStringAsync($"/help/zh-CN/articles/{article.Slug}?feedback=thanks"));
        await reader.PostAsync($"/help/zh-CN/articles/{draft.Slug}/feedback", new FormUrlEncodedContent([new("helpful", "yes")])).ExpectAsync(HttpStatusCode.NotFound);

        var sitemap = await reader.GetAsync("/sitemap.xml");
        var xml = await sitemap.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("application/xml", sitemap.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"/help/zh-CN/articles/{article.Slug}</loc>", xml);
        Assert.Contains($"/help/zh-CN/categories/{category.Slug}</loc>", xml);
        Assert.DoesNotContain(draft.Slug, xml);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Search_FindsArticlesAndFaqs_NothingFoundIsAContentGap(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var u = Unique.Id();
        await admin.Http.PostJsonAsync("/api/v1/kb/articles", new { language = "en", title = $"Returning an item {u}", summary = "Three steps.", body = "Pack it and ship it back.", status = "published" })
            .ExpectAsync(HttpStatusCode.Created);
        await admin.Http.PostJsonAsync("/api/v1/kb/faqs", new { language = "en", question = $"Who pays return {u} shipping?", answer = "We do for faulty items.", status = "published" })
            .ExpectAsync(HttpStatusCode.Created);
        using var reader = app.Anonymous();

        var found = await reader.GetStringAsync($"/help/en/search?q={Uri.EscapeDataString(u)}");
        Assert.Contains($"Returning an item {u}", found);
        Assert.Contains($"Who pays return {u} shipping?", found);
        Assert.Contains("2 results", found);

        var missing = $"teleport {Unique.Id()}";
        var none = await reader.GetStringAsync($"/help/en/search?q={Uri.EscapeDataString(missing)}");
        Assert.Contains("Nothing found", none);
        await reader.GetStringAsync($"/help/en/search?q={Uri.EscapeDataString(missing + "?")}");
        var gaps = await admin.Http.GetAsync("/api/v1/kb/gaps?source=search&language=en").ReadAsync<List<ContentGapGroup>>(HttpStatusCode.OK);
        Assert.Equal(2, Assert.Single(gaps, g => g.Text.StartsWith(missing, StringComparison.Ordinal)).Count);
        Assert.Equal(HttpStatusCode.Redirect, (await reader.GetAsync("/help")).StatusCode);
    }
}
