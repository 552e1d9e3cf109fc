using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Kefu.E2E;

/// <summary>
/// Knowledge-base authoring in the admin UI (Chinese) and the public help center in Chinese and English, in real
/// Chromium: an article written with a live preview is published to the help center; a CSV import with a bad row
/// lists the row and writes nothing; readers search, read and answer "was this helpful?" without a live connection.
/// </summary>
[Collection(ServerCollection.Name)]
public sealed class KnowledgeBaseUiTests(KefuServer server)
{
    [Fact]
    public async Task Authoring_ArticleAndCsvImport_PublishedToTheChineseHelpCenter()
    {
        var u = ChatFixture.Unique();
        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN" });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync("/login");
        await page.FillAsync("#email", KefuServer.AdminEmail);
        await page.FillAsync("#password", KefuServer.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Expect(page.Locator(".kefu-root[data-interactive=true]")).ToBeVisibleAsync();
        await page.GetByTestId("nav-admin").ClickAsync();
        await page.GetByTestId("nav-kb").ClickAsync();
        await Expect(page.Locator("#page-title")).ToHaveTextAsync("知识库");

        // An article: the Markdown preview follows the typing; saving publishes it.
        await page.GetByTestId("kb-tab-articles").ClickAsync();
        await page.GetByTestId("article-new").ClickAsync();
        await page.GetByTestId("article-save").ClickAsync();
        await Expect(page.GetByTestId("error-title")).ToBeVisibleAsync();
        await page.GetByTestId("article-title").FillAsync($"如何申请退款 {u}");
        await page.GetByTestId("article-slug").FillAsync($"refund-{u}");
        await page.GetByTestId("article-summary").FillAsync("三步完成退款申请。");
        await page.GetByTestId("article-body").FillAsync("## 第一步\n\n打开**我的订单**，点击“申请退款”。");
        await Expect(page.GetByTestId("article-preview").Locator("h2")).ToHaveTextAsync("第一步");
        await page.GetByTestId("article-status").SelectOptionAsync("Published");
        await page.GetByTestId("article-save").ClickAsync();
        await Expect(page.GetByTestId("article-item").Filter(new() { HasText = $"如何申请退款 {u}" })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("revision")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new() { Path = Artifact("kb-article-editor.png"), FullPage = true });

        // A CSV with one bad row: the rows in error are listed and nothing is imported; the fixed file imports.
        await page.GetByTestId("kb-tab-import").ClickAsync();
        var bad = $"id,category,question,similar,answer\nR1{u},refunds,退款多久到账{u}？,退款什么时候到|钱什么时候退回,1到3个工作日。\nR2{u},refunds,,,没有问题的答案\n";
        await page.GetByTestId("import-file").SetInputFilesAsync(new FilePayload { Name = "faq.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(bad) });
        await page.GetByTestId("import-run").ClickAsync();
        await Expect(page.GetByTestId("import-error")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("import-error")).ToContainTextAsync("question");
        await page.ScreenshotAsync(new() { Path = Artifact("kb-import-errors.png"), FullPage = true });
        var good = bad.Replace($"R2{u},refunds,,,", $"R2{u},refunds,退款到哪个账户{u}？,,");
        await page.GetByTestId("import-file").SetInputFilesAsync(new FilePayload { Name = "faq.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(good) });
        await page.GetByTestId("import-publish").CheckAsync();
        await page.GetByTestId("import-run").ClickAsync();
        await Expect(page.GetByTestId("import-report")).ToContainTextAsync("新建 2 条");
        await page.GetByTestId("kb-tab-faq").ClickAsync();
        await Expect(page.GetByTestId("faq-item").Filter(new() { HasText = $"退款多久到账{u}？" })).ToBeVisibleAsync();

        // The Chinese help center shows the article to anyone, without a live connection.
        await using var readerContext = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "zh-CN", JavaScriptEnabled = false });
        var reader = await readerContext.NewPageAsync();
        await reader.GotoAsync("/help/zh-CN");
        await reader.GetByTestId("help-article-link").Filter(new() { HasText = $"如何申请退款 {u}" }).ClickAsync();
        await Expect(reader).ToHaveTitleAsync($"如何申请退款 {u} · 帮助中心");
        await Expect(reader.GetByTestId("help-article").Locator("h2")).ToHaveTextAsync("第一步");
        Assert.Equal("三步完成退款申请。", await reader.Locator("meta[name=description]").GetAttributeAsync("content"));
        await reader.GetByTestId("help-search").FillAsync($"退款多久到账{u}");
        await reader.GetByTestId("help-search-submit").ClickAsync();
        await Expect(reader.GetByTestId("help-result")).ToContainTextAsync("1到3个工作日");
        await reader.ScreenshotAsync(new() { Path = Artifact("help-zh-search.png"), FullPage = true });
    }

    [Fact]
    public async Task HelpCenter_English_SearchReadFeedbackAndLanguageSwitch()
    {
        var u = ChatFixture.Unique();
        using var admin = await server.AdminClientAsync();
        var created = await admin.PostAsJsonAsync("/api/v1/kb/articles", new
        {
            language = "en", slug = $"track-order-{u}", title = $"Tracking your order {u}", summary = "Find where your parcel is.",
            body = "Open **My orders** and choose *Track*.", status = "published",
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());

        await using var context = await server.Browser.NewContextAsync(new() { BaseURL = server.BaseUrl, Locale = "en-US" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/help");
        await Expect(page.GetByTestId("help-title")).ToHaveTextAsync("How can we help?");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await page.GetByTestId("help-search").FillAsync($"Tracking {u}");
        await page.GetByTestId("help-search-submit").ClickAsync();
        await page.GetByTestId("help-result").GetByRole(AriaRole.Link, new() { Name = $"Tracking your order {u}" }).ClickAsync();
        await Expect(page).ToHaveTitleAsync($"Tracking your order {u} · Help Center");
        await Expect(page.GetByTestId("help-article")).ToContainTextAsync("My orders");

        await page.GetByTestId("help-yes").ClickAsync();
        await Expect(page.GetByTestId("help-feedback-thanks")).ToHaveTextAsync("Thanks for your feedback!");
        await page.ScreenshotAsync(new() { Path = Artifact("help-en-article.png"), FullPage = true });
        var article = await admin.GetFromJsonAsync<JsonObject>($"/api/v1/kb/articles?language=en&q=track-order-{u}");
        Assert.Equal(1, article!["items"]![0]!["helpfulCount"]!.GetValue<int>());

        // The language switch leads to the Chinese help center.
        await page.GetByTestId("help-lang-zh").ClickAsync();
        await Expect(page.GetByTestId("help-title")).ToHaveTextAsync("有什么可以帮您？");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "zh-CN");
    }

    private static string Artifact(string name) => Path.Combine(KefuServer.Artifacts, name);
}
