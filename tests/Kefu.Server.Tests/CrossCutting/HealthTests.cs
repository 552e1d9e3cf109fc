namespace Kefu.Server.Tests.CrossCutting;

public sealed class HealthTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Health_LiveAndReady_Return200WithoutAuth(string db)
    {
        var app = await AppAsync(db);
        using var http = app.Anonymous();

        Assert.Equal("Healthy", await http.GetAsync("/health/live").ExpectAsync(HttpStatusCode.OK));
        Assert.Equal("Healthy", await http.GetAsync("/health/ready").ExpectAsync(HttpStatusCode.OK));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task OpenApi_Anonymous_DescribesTheApi(string db)
    {
        var app = await AppAsync(db);
        using var http = app.Anonymous();

        var document = JsonDocument.Parse(await http.GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK)).RootElement;

        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/conversations", out _));
        Assert.True(paths.TryGetProperty("/api/v1/customers/{id}", out _));
        Assert.Equal("Kefu API", document.GetProperty("info").GetProperty("title").GetString());
    }
}
