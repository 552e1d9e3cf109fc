using System.Text;

namespace Kefu.Server.Tests.CrossCutting;

/// <summary>Malformed, oversized and unknown input is refused with problem details that name what to fix, and writes nothing.</summary>
public sealed class RequestValidationTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Post_MalformedJson_Returns400ProblemWithErrors(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        var problem = await agent.Http.PostJsonAsync(Api.Customers, """{"name": "unterminated""").ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal("Malformed JSON", problem.Title);
        Assert.NotEmpty(problem.Fields);
        Assert.Contains("not valid JSON", problem.Root.GetProperty("errors").EnumerateObject().First().Value[0].GetString());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Post_EmptyOrNonJsonBody_Returns400Problem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        await agent.Http.PostJsonAsync(Api.Customers, "").ProblemAsync(HttpStatusCode.BadRequest);
        await agent.Http.PostAsync(Api.Customers, new StringContent("name=x", Encoding.UTF8, "text/plain")).ProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Post_UnknownField_Returns400NamingTheField(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        var customer = await agent.Http.PostJsonAsync(Api.Customers, new { name = "x", nickname = "y" }).ProblemAsync(HttpStatusCode.BadRequest);
        var conversation = await agent.Http.PostJsonAsync(Api.Conversations, """{"channel":"chat","message":{"text":"hi","colour":"red"}}""")
            .ProblemAsync(HttpStatusCode.BadRequest);
        var patch = await agent.Http.PatchJsonAsync($"{Api.Conversations}/{Guid.NewGuid()}", new { assignee = "me" }).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("not a field", Assert.Single(customer.Field("nickname")));
        conversation.Field("message.colour");
        patch.Field("assignee");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Post_WrongEnumValueOrType_Returns400NamingTheField(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;

        var channel = await agent.Http.PostJsonAsync(Api.Conversations, """{"channel":"fax"}""").ProblemAsync(HttpStatusCode.BadRequest);
        var integer = await agent.Http.PostJsonAsync(Api.Conversations, """{"channel":1}""").ProblemAsync(HttpStatusCode.BadRequest);
        var kind = await agent.Http.PostJsonAsync(Api.Customers, """{"identities":[{"kind":"fax","value":"1"}]}""").ProblemAsync(HttpStatusCode.BadRequest);
        var status = await agent.Http.PatchJsonAsync($"{Api.Conversations}/{created.Id}", """{"status":"paused"}""").ProblemAsync(HttpStatusCode.BadRequest);
        var guid = await agent.Http.PatchJsonAsync($"{Api.Conversations}/{created.Id}", """{"assigneeId":"nobody"}""").ProblemAsync(HttpStatusCode.BadRequest);
        var tags = await agent.Http.PatchJsonAsync($"{Api.Conversations}/{created.Id}", """{"tags":"vip"}""").ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("wrong type or an unknown name", Assert.Single(channel.Field("channel")));
        integer.Field("channel");
        kind.Field("identities[0].kind");
        status.Field("status");
        guid.Field("assigneeId");
        tags.Field("tags");
        Assert.Equal(created.Version, (await agent.Http.GetConversationAsync(created.Id)).Conversation.Version);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Post_BodyOverOneMebibyte_Returns413Problem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var text = new string('x', (int)KefuHost.MaxRequestBody);
        var body = new ByteArrayContent(Encoding.UTF8.GetBytes($$"""{"name":"{{text}}"}"""));
        body.Headers.ContentType = new("application/json");

        var problem = await agent.Http.PostAsync(Api.Customers, body).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);

        Assert.Equal("Request too large", problem.Title);
        using var anonymous = app.Anonymous();
        await anonymous.PostAsync(Api.Customers, new ByteArrayContent(new byte[KefuHost.MaxRequestBody + 1])).ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Post_BodyJustUnderTheLimit_IsReadAndValidated(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;

        // ~260 KB of HTML is fine for the body limit but over the 65,536-character text limit once derived.
        var problem = await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/messages", new { html = "<p>" + new string('y', 200_000) + "</p>" })
            .ProblemAsync(HttpStatusCode.BadRequest);

        problem.Field("text");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Get_UnknownIdsInPath_Return404Problem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var id = Guid.NewGuid();

        foreach (var path in new[]
        {
            $"{Api.Conversations}/{id}", $"{Api.Conversations}/{id}/activity", $"{Api.Customers}/{id}", $"{Api.Customers}/{id}/conversations",
            $"{Api.Customers}/{id}/activity", $"{Api.Teams}/{id}", $"{Api.Agents}/{id}",
        })
        {
            var problem = await agent.Http.GetAsync(path).ProblemAsync(HttpStatusCode.NotFound);
            Assert.Contains(id.ToString(), problem.Detail);
            Assert.Equal(path, problem.Root.GetProperty("instance").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Get_UnknownRouteOrNonGuidId_Returns404Problem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        await agent.Http.GetAsync("/api/v1/no-such-route").ProblemAsync(HttpStatusCode.NotFound);
        await agent.Http.GetAsync($"{Api.Customers}/not-a-guid").ProblemAsync(HttpStatusCode.NotFound);
        await agent.Http.PatchJsonAsync($"{Api.Teams}/not-a-guid", new { name = "x" }).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Problems_CarryTraceIdAndInstance(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        var problem = await agent.Http.PostJsonAsync(Api.Conversations, "{}").ProblemAsync(HttpStatusCode.BadRequest);

        Assert.False(string.IsNullOrEmpty(problem.Root.GetProperty("traceId").GetString()));
        Assert.Equal(Api.Conversations, problem.Root.GetProperty("instance").GetString());
        Assert.Contains("channel", problem.Detail);
    }
}
