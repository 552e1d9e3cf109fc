namespace Kefu.Server.Tests.CrossCutting;

public sealed class AnonymousTests(Apps apps) : ServerTest(apps)
{
    private static readonly string Id = Guid.NewGuid().ToString();

    /// <summary>Every route the API maps (see the Map*Endpoints methods), with placeholder ids.</summary>
    public static readonly (string Method, string Path)[] Routes =
    [
        ("GET", "/api/v1/conversations"),
        ("POST", "/api/v1/conversations"),
        ("GET", $"/api/v1/conversations/{Id}"),
        ("GET", "/api/v1/conversations/10001"),
        ("PATCH", $"/api/v1/conversations/{Id}"),
        ("POST", $"/api/v1/conversations/{Id}/messages"),
        ("POST", $"/api/v1/conversations/{Id}/merge"),
        ("GET", $"/api/v1/conversations/{Id}/activity"),
        ("GET", "/api/v1/customers"),
        ("POST", "/api/v1/customers"),
        ("GET", $"/api/v1/customers/{Id}"),
        ("PATCH", $"/api/v1/customers/{Id}"),
        ("POST", $"/api/v1/customers/{Id}/identities"),
        ("DELETE", $"/api/v1/customers/{Id}/identities/{Id}"),
        ("POST", $"/api/v1/customers/{Id}/merge"),
        ("GET", $"/api/v1/customers/{Id}/conversations"),
        ("GET", $"/api/v1/customers/{Id}/activity"),
        ("GET", "/api/v1/teams"),
        ("GET", $"/api/v1/teams/{Id}"),
        ("POST", "/api/v1/teams"),
        ("PATCH", $"/api/v1/teams/{Id}"),
        ("DELETE", $"/api/v1/teams/{Id}"),
        ("GET", "/api/v1/agents"),
        ("GET", "/api/v1/agents/me"),
        ("GET", $"/api/v1/agents/{Id}"),
        ("POST", "/api/v1/agents"),
        ("PATCH", $"/api/v1/agents/{Id}"),
        ("DELETE", $"/api/v1/agents/{Id}"),
        ("GET", "/api/v1/categories"),
        ("POST", "/api/v1/categories"),
        ("PATCH", $"/api/v1/categories/{Id}"),
        ("DELETE", $"/api/v1/categories/{Id}"),
        ("GET", "/api/v1/tokens"),
        ("POST", "/api/v1/tokens"),
        ("DELETE", $"/api/v1/tokens/{Id}"),
        ("GET", "/api/v1/no-such-route"),
    ];

    public static TheoryData<string, string, string> ProvidersAndRoutes()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var provider in Providers)
        {
            foreach (var (method, path) in Routes)
            {
                data.Add(provider, method, path);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ProvidersAndRoutes))]
    public async Task AnyApiRoute_Anonymous_Returns401Problem(string db, string method, string path)
    {
        var app = await AppAsync(db);
        using var http = app.Anonymous();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PATCH")
        {
            request.Content = Http.Body("{}");
        }

        using var response = await http.SendAsync(request);

        var problem = await response.ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Equal(path, problem.Root.GetProperty("instance").GetString());
    }

    [Theory]
    [MemberData(nameof(ProvidersAndRoutes))]
    public async Task AnyApiRoute_UnknownBearerToken_Returns401Problem(string db, string method, string path)
    {
        var app = await AppAsync(db);
        using var http = app.Bearer("kefu_" + Unique.Id());
        using var request = new HttpRequestMessage(new HttpMethod(method), path);

        using var response = await http.SendAsync(request);

        await response.ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task SignInPage_Anonymous_IsServed(string db)
    {
        var app = await AppAsync(db);
        using var http = app.Anonymous();

        var page = await http.GetAsync("/login").ExpectAsync(HttpStatusCode.OK);

        Assert.Contains("action=\"/account/login\"", page);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AppPage_Anonymous_RedirectsToSignIn(string db)
    {
        var app = await AppAsync(db);
        using var http = app.Anonymous();

        using var response = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location?.PathAndQuery ?? response.Headers.Location?.OriginalString);
    }
}
