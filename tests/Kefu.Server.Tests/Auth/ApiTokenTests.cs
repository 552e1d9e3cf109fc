using Kefu.Core.Agents;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Auth;

public sealed class ApiTokenTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_SignedIn_ShowsTheSecretOnceAndTheTokenWorks(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        using var session = await app.SignInAsync(agent.Email, agent.Password);

        var response = await session.PostJsonAsync(Api.Tokens, new { name = " CRM sync ", scopes = new[] { "conversations:read", "conversations:read", "customers:write" } });

        var created = await response.ReadAsync<CreatedApiToken>(HttpStatusCode.Created);
        Assert.StartsWith(ApiTokenAuthentication.Prefix, created.Secret);
        Assert.Equal(created.Secret[..12], created.Token.Prefix);
        Assert.Equal(("CRM sync", agent.Id), (created.Token.Name, created.Token.AgentId));
        Assert.Equal(["conversations:read", "customers:write"], created.Token.Scopes);
        Assert.Null(created.Token.LastUsedAt);
        var stored = await app.DbAsync(d => d.ApiTokens.SingleAsync(t => t.Id == created.Token.Id));
        Assert.Equal(ApiTokenAuthentication.Hash(created.Secret), stored.Hash);
        Assert.DoesNotContain(created.Secret, stored.Hash);

        using var bearer = app.Bearer(created.Secret);
        Assert.Equal(agent.Id, (await bearer.GetAsync($"{Api.Agents}/me").ReadAsync<Features.Admin.AgentDto>(HttpStatusCode.OK)).Id);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_SignedIn_ShowsOwnTokensWithoutSecretOrHash(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var other = await app.CreateAgentAsync();
        using var session = await app.SignInAsync(agent.Email, agent.Password);
        var created = await session.PostJsonAsync(Api.Tokens, new { name = "Listed", scopes = new[] { "customers:read" } }).ReadAsync<CreatedApiToken>(HttpStatusCode.Created);

        var body = await session.GetAsync(Api.Tokens).ExpectAsync(HttpStatusCode.OK);

        var tokens = JsonSerializer.Deserialize<List<ApiTokenDto>>(body, Http.Json)!;
        Assert.Contains(tokens, t => t.Id == created.Token.Id && t.Prefix == created.Secret[..12]);
        Assert.All(tokens, t => Assert.Equal(agent.Id, t.AgentId));
        Assert.DoesNotContain(created.Secret, body);
        Assert.DoesNotContain(ApiTokenAuthentication.Hash(created.Secret), body);
        Assert.DoesNotContain("\"hash\"", body);
        Assert.DoesNotContain("\"secret\"", body);

        using var adminSession = await app.SignInAsync(KefuApp.AdminEmail, KefuApp.AdminPassword);
        var all = await adminSession.GetAsync(Api.Tokens).ReadAsync<List<ApiTokenDto>>(HttpStatusCode.OK);
        Assert.Contains(all, t => t.Id == created.Token.Id);
        Assert.Contains(all, t => t.AgentId == other.Id);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Revoke_Token_ItGets401AtOnce(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        using var session = await app.SignInAsync(agent.Email, agent.Password);
        var created = await session.PostJsonAsync(Api.Tokens, new { name = "Short-lived", scopes = new[] { "conversations:read" } }).ReadAsync<CreatedApiToken>(HttpStatusCode.Created);
        using var bearer = app.Bearer(created.Secret);
        await bearer.GetAsync(Api.Conversations).ExpectAsync(HttpStatusCode.OK);

        await session.DeleteAsync($"{Api.Tokens}/{created.Token.Id}").ExpectAsync(HttpStatusCode.NoContent);

        await bearer.GetAsync(Api.Conversations).ProblemAsync(HttpStatusCode.Unauthorized);
        var listed = (await session.GetAsync(Api.Tokens).ReadAsync<List<ApiTokenDto>>(HttpStatusCode.OK)).Single(t => t.Id == created.Token.Id);
        Assert.NotNull(listed.RevokedAt);
        await session.DeleteAsync($"{Api.Tokens}/{Guid.NewGuid()}").ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Revoke_SomeoneElsesToken_Returns404UnlessAdmin(string db)
    {
        var app = await AppAsync(db);
        var owner = await app.CreateAgentAsync();
        var stranger = await app.CreateAgentAsync();
        var tokenId = await app.DbAsync(d => d.ApiTokens.Where(t => t.AgentId == owner.Id).Select(t => t.Id).SingleAsync());
        using var strangerSession = await app.SignInAsync(stranger.Email, stranger.Password);

        await strangerSession.DeleteAsync($"{Api.Tokens}/{tokenId}").ProblemAsync(HttpStatusCode.NotFound);
        await owner.Http.GetAsync($"{Api.Agents}/me").ExpectAsync(HttpStatusCode.OK);

        using var adminSession = await app.SignInAsync(KefuApp.AdminEmail, KefuApp.AdminPassword);
        await adminSession.DeleteAsync($"{Api.Tokens}/{tokenId}").ExpectAsync(HttpStatusCode.NoContent);
        await owner.Http.GetAsync($"{Api.Agents}/me").ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task TokenEndpoints_CalledWithAToken_Return403(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();

        await admin.Http.GetAsync(Api.Tokens).ProblemAsync(HttpStatusCode.Forbidden);
        await admin.Http.PostJsonAsync(Api.Tokens, new { name = "minted", scopes = new[] { "admin" } }).ProblemAsync(HttpStatusCode.Forbidden);
        var tokenId = await app.DbAsync(d => d.ApiTokens.Where(t => t.AgentId == admin.Id).Select(t => t.Id).FirstAsync());
        await admin.Http.DeleteAsync($"{Api.Tokens}/{tokenId}").ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_InvalidRequests_Return400NamingTheField(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        using var session = await app.SignInAsync(agent.Email, agent.Password);

        var admin = await session.PostJsonAsync(Api.Tokens, new { name = "too much", scopes = new[] { "conversations:read", "admin" } }).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("admin", Assert.Single(admin.Field("scopes")));
        (await session.PostJsonAsync(Api.Tokens, new { name = "unknown", scopes = new[] { "everything" } }).ProblemAsync(HttpStatusCode.BadRequest)).Field("scopes");
        (await session.PostJsonAsync(Api.Tokens, new { name = "none", scopes = Array.Empty<string>() }).ProblemAsync(HttpStatusCode.BadRequest)).Field("scopes");
        (await session.PostJsonAsync(Api.Tokens, new { scopes = new[] { "customers:read" } }).ProblemAsync(HttpStatusCode.BadRequest)).Field("name");
        (await session.PostJsonAsync(Api.Tokens, new { name = "past", scopes = new[] { "customers:read" }, expiresAt = DateTimeOffset.UtcNow.AddDays(-1) })
            .ProblemAsync(HttpStatusCode.BadRequest)).Field("expiresAt");

        // Only the token the test fixture made for this agent: none of the rejected requests created one.
        Assert.All(await session.GetAsync(Api.Tokens).ReadAsync<List<ApiTokenDto>>(HttpStatusCode.OK), t => Assert.StartsWith("test ", t.Name));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_AdminScopeAsAdmin_IsAllowed(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.CreateAgentAsync(AgentRole.Admin);
        using var session = await app.SignInAsync(admin.Email, admin.Password);

        var created = await session.PostJsonAsync(Api.Tokens, new { name = "admin token", scopes = new[] { "admin" }, expiresAt = DateTimeOffset.UtcNow.AddDays(30) })
            .ReadAsync<CreatedApiToken>(HttpStatusCode.Created);

        Assert.NotNull(created.Token.ExpiresAt);
        using var bearer = app.Bearer(created.Secret);
        await bearer.PostJsonAsync(Api.Teams, new { name = "Via token " + Unique.Id() }).ExpectAsync(HttpStatusCode.Created);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Scopes_ReadOnlyConversationToken_CannotWrite(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync(scopes: [Scopes.ConversationsRead]);
        var writer = await app.CreateAgentAsync();
        var conversation = (await writer.Http.CreateConversationAsync()).Conversation;

        await agent.Http.GetAsync(Api.Conversations).ExpectAsync(HttpStatusCode.OK);
        await agent.Http.GetAsync($"{Api.Conversations}/{conversation.Id}").ExpectAsync(HttpStatusCode.OK);
        await agent.Http.PostJsonAsync(Api.Conversations, Api.NewConversation()).ProblemAsync(HttpStatusCode.Forbidden);
        await agent.Http.PatchJsonAsync($"{Api.Conversations}/{conversation.Id}", new { priority = "high" }).ProblemAsync(HttpStatusCode.Forbidden);
        await agent.Http.PostJsonAsync($"{Api.Conversations}/{conversation.Id}/messages", new { text = "x" }).ProblemAsync(HttpStatusCode.Forbidden);
        await agent.Http.GetAsync(Api.Customers).ProblemAsync(HttpStatusCode.Forbidden);
        await agent.Http.GetAsync(Api.Teams).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(Kefu.Core.Tickets.Priority.Normal, (await writer.Http.GetConversationAsync(conversation.Id)).Conversation.Priority);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Scopes_CustomersOnlyToken_CannotReadConversations(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync(scopes: [Scopes.CustomersRead, Scopes.CustomersWrite]);
        var customer = await agent.Http.CreateCustomerAsync("Scoped");

        await agent.Http.GetAsync(Api.Conversations).ProblemAsync(HttpStatusCode.Forbidden);
        await agent.Http.GetAsync($"{Api.Customers}/{customer.Id}/conversations").ProblemAsync(HttpStatusCode.Forbidden);
        await agent.Http.GetAsync($"{Api.Customers}/{customer.Id}").ExpectAsync(HttpStatusCode.OK);
        await agent.Http.PatchJsonAsync($"{Api.Customers}/{customer.Id}", new { name = "Still scoped" }).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Scopes_AdminRoleWithoutAdminScope_CannotAdminister(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.CreateAgentAsync(AgentRole.Admin, scopes: [Scopes.ConversationsRead]);

        await admin.Http.PostJsonAsync(Api.Teams, new { name = "No scope " + Unique.Id() }).ProblemAsync(HttpStatusCode.Forbidden);
        await admin.Http.GetAsync(Api.Teams).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Scopes_AdminScopeOnAnAgent_DoesNotLiftTheRole(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync(AgentRole.Agent, scopes: [.. Scopes.All]);

        await agent.Http.PostJsonAsync(Api.Teams, new { name = "Escalated " + Unique.Id() }).ProblemAsync(HttpStatusCode.Forbidden);
        var source = await agent.Http.CreateCustomerAsync();
        var target = await agent.Http.CreateCustomerAsync();
        await agent.Http.PostJsonAsync($"{Api.Customers}/{source.Id}/merge", new { targetId = target.Id }).ProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Use_Token_SetsLastUsedAt(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        using var session = await app.SignInAsync(agent.Email, agent.Password);
        var created = await session.PostJsonAsync(Api.Tokens, new { name = "Used", scopes = new[] { "conversations:read" } }).ReadAsync<CreatedApiToken>(HttpStatusCode.Created);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        using var bearer = app.Bearer(created.Secret);
        await bearer.GetAsync(Api.Conversations).ExpectAsync(HttpStatusCode.OK);

        var listed = (await session.GetAsync(Api.Tokens).ReadAsync<List<ApiTokenDto>>(HttpStatusCode.OK)).Single(t => t.Id == created.Token.Id);
        Assert.NotNull(listed.LastUsedAt);
        Assert.InRange(listed.LastUsedAt.Value, before, DateTimeOffset.UtcNow.AddSeconds(1));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Use_ExpiredOrUnknownToken_Returns401Problem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var secret = await app.CreateTokenAsync(agent.Id, Scopes.ConversationsRead);
        var hash = ApiTokenAuthentication.Hash(secret);
        await app.DbAsync(d => d.ApiTokens.Where(t => t.Hash == hash).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddMinutes(-1))));

        using var expired = app.Bearer(secret);
        using var unknown = app.Bearer(ApiTokenAuthentication.NewSecret());
        using var garbage = app.Bearer("not even a token");

        await expired.GetAsync(Api.Conversations).ProblemAsync(HttpStatusCode.Unauthorized);
        await unknown.GetAsync(Api.Conversations).ProblemAsync(HttpStatusCode.Unauthorized);
        await garbage.GetAsync(Api.Conversations).ProblemAsync(HttpStatusCode.Unauthorized);
    }
}
