using Kefu.Core.Agents;
using Kefu.Server.Features.Admin;

namespace Kefu.Server.Tests.Admin;

public sealed class AgentTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_WithPassword_CanSignInAtOnce(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var team = await admin.Http.PostJsonAsync(Api.Teams, new { name = "Team " + Unique.Id() }).ReadAsync<TeamDto>(HttpStatusCode.Created);
        var email = $"New.Agent.{Unique.Id()}@Agents.Test";

        var response = await admin.Http.PostJsonAsync(Api.Agents, new
        {
            email, displayName = "  New Agent ", role = "supervisor", teamIds = new[] { team.Id, team.Id }, language = "zh-CN", password = KefuApp.AgentPassword,
        });

        var created = await response.ReadAsync<CreatedAgent>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/agents/{created.Agent.Id}", response.Headers.Location?.OriginalString);
        Assert.Null(created.OneTimePassword);
        Assert.Equal((email.ToLowerInvariant(), "New Agent", AgentRole.Supervisor, "zh-CN", true),
            (created.Agent.Email, created.Agent.DisplayName, created.Agent.Role, created.Agent.Language, created.Agent.IsActive));
        Assert.Equal([team.Id], created.Agent.TeamIds);

        using var session = await app.SignInAsync(email, KefuApp.AgentPassword);
        var me = await session.GetAsync($"{Api.Agents}/me").ReadAsync<AgentDto>(HttpStatusCode.OK);
        Assert.Equal(created.Agent.Id, me.Id);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_WithoutPassword_ReturnsAOneTimePasswordThatMustBeChanged(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var email = $"otp-{Unique.Id()}@agents.test";

        var created = await admin.Http.PostJsonAsync(Api.Agents, new { email, displayName = "OTP", role = "agent" }).ReadAsync<CreatedAgent>(HttpStatusCode.Created);

        Assert.Equal(16, created.OneTimePassword?.Length);
        using var client = app.CookieClient();
        using var login = await KefuApp.PostLoginAsync(client, email, created.OneTimePassword!, "/");
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.StartsWith("/account/password", login.Headers.Location?.OriginalString);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_DuplicateEmailOrInvalidFields_Returns409Or400(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var existing = await app.CreateAgentAsync();

        await admin.Http.PostJsonAsync(Api.Agents, new { email = existing.Email.ToUpperInvariant(), displayName = "Dup", role = "agent", password = KefuApp.AgentPassword })
            .ProblemAsync(HttpStatusCode.Conflict);
        var invalid = await admin.Http.PostJsonAsync(Api.Agents, new { email = "no-at-sign", language = "fr", teamIds = new[] { Guid.NewGuid() } })
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["displayName", "email", "language", "role", "teamIds"], invalid.Fields.Order(StringComparer.Ordinal));
        var weak = await admin.Http.PostJsonAsync(Api.Agents, new { email = $"weak-{Unique.Id()}@agents.test", displayName = "Weak", role = "agent", password = "short" })
            .ProblemAsync(HttpStatusCode.BadRequest);
        weak.Field("password");
    }

    /// <summary>The agent row is saved before the password is checked; the rejected password must roll it back.</summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_WeakPassword_WritesNothing(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var email = $"weak-{Unique.Id()}@agents.test";

        await admin.Http.PostJsonAsync(Api.Agents, new { email, displayName = "Weak", role = "agent", password = "short" }).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.DoesNotContain(await admin.Http.GetAsync(Api.Agents).ReadAsync<List<AgentDto>>(HttpStatusCode.OK), a => a.Email == email);
        await admin.Http.PostJsonAsync(Api.Agents, new { email, displayName = "Strong", role = "agent", password = KefuApp.AgentPassword })
            .ExpectAsync(HttpStatusCode.Created);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Reads_AsAgent_ListGetAndMe(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync(name: "Reader " + Unique.Id());
        var other = await app.CreateAgentAsync();

        var list = await agent.Http.GetAsync(Api.Agents).ReadAsync<List<AgentDto>>(HttpStatusCode.OK);
        var me = await agent.Http.GetAsync($"{Api.Agents}/me").ReadAsync<AgentDto>(HttpStatusCode.OK);
        var got = await agent.Http.GetAsync($"{Api.Agents}/{other.Id}").ReadAsync<AgentDto>(HttpStatusCode.OK);

        Assert.Contains(list, a => a.Id == agent.Id);
        Assert.Contains(list, a => a.Email == KefuApp.AdminEmail && a.Role == AgentRole.Admin);
        Assert.Equal((agent.Id, agent.Email, AgentRole.Agent), (me.Id, me.Email, me.Role));
        Assert.Equal(other.Email, got.Email);
        await agent.Http.GetAsync($"{Api.Agents}/{Guid.NewGuid()}").ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_AsAdmin_ChangesFieldsAndRecordsActivity(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var team = await admin.Http.PostJsonAsync(Api.Teams, new { name = "Team " + Unique.Id() }).ReadAsync<TeamDto>(HttpStatusCode.Created);

        var updated = await admin.Http.PatchJsonAsync($"{Api.Agents}/{agent.Id}", new { displayName = "Renamed", role = "supervisor", teamIds = new[] { team.Id }, language = "zh-CN" })
            .ReadAsync<AgentDto>(HttpStatusCode.OK);

        Assert.Equal(("Renamed", AgentRole.Supervisor, "zh-CN"), (updated.DisplayName, updated.Role, updated.Language));
        Assert.Equal([team.Id], updated.TeamIds);
        Assert.Equal(AgentRole.Supervisor, (await agent.Http.GetAsync($"{Api.Agents}/me").ReadAsync<AgentDto>(HttpStatusCode.OK)).Role);
        // The token acts with the new role at once: supervisors may merge customers.
        var source = await agent.Http.CreateCustomerAsync();
        var target = await agent.Http.CreateCustomerAsync();
        await agent.Http.PostJsonAsync($"{Api.Customers}/{source.Id}/merge", new { targetId = target.Id }).ExpectAsync(HttpStatusCode.OK);
        (await admin.Http.PatchJsonAsync($"{Api.Agents}/{agent.Id}", new { teamIds = new[] { Guid.NewGuid() } }).ProblemAsync(HttpStatusCode.BadRequest)).Field("teamIds");
        (await admin.Http.PatchJsonAsync($"{Api.Agents}/{agent.Id}", new { displayName = " " }).ProblemAsync(HttpStatusCode.BadRequest)).Field("displayName");
        await admin.Http.PatchJsonAsync($"{Api.Agents}/{Guid.NewGuid()}", new { displayName = "x" }).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_NewPassword_ReplacesTheOldOne(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        const string newPassword = "a-brand-new-password-7";

        await admin.Http.PatchJsonAsync($"{Api.Agents}/{agent.Id}", new { password = newPassword }).ExpectAsync(HttpStatusCode.OK);

        using var old = app.CookieClient();
        using var rejected = await KefuApp.PostLoginAsync(old, agent.Email, agent.Password, "/");
        Assert.StartsWith("/login?error=invalid", rejected.Headers.Location?.OriginalString);
        using var session = await app.SignInAsync(agent.Email, newPassword);
        await session.GetAsync($"{Api.Agents}/me").ExpectAsync(HttpStatusCode.OK);
        (await admin.Http.PatchJsonAsync($"{Api.Agents}/{agent.Id}", new { password = "short" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("password");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Deactivate_Agent_TheirTokenAndSignInStopWorking(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        await agent.Http.GetAsync($"{Api.Agents}/me").ExpectAsync(HttpStatusCode.OK);

        await admin.Http.DeleteAsync($"{Api.Agents}/{agent.Id}").ExpectAsync(HttpStatusCode.NoContent);

        await agent.Http.GetAsync($"{Api.Agents}/me").ProblemAsync(HttpStatusCode.Unauthorized);
        await agent.Http.GetAsync(Api.Conversations).ProblemAsync(HttpStatusCode.Unauthorized);
        Assert.False((await admin.Http.GetAsync($"{Api.Agents}/{agent.Id}").ReadAsync<AgentDto>(HttpStatusCode.OK)).IsActive);
        using var client = app.CookieClient();
        using var login = await KefuApp.PostLoginAsync(client, agent.Email, agent.Password, "/");
        Assert.StartsWith("/login?error=invalid", login.Headers.Location?.OriginalString);

        await admin.Http.PatchJsonAsync($"{Api.Agents}/{agent.Id}", new { isActive = true }).ExpectAsync(HttpStatusCode.OK);
        await agent.Http.GetAsync($"{Api.Agents}/me").ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Deactivate_Self_Returns400AndDemotingSelfToo(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.CreateAgentAsync(AgentRole.Admin);

        (await admin.Http.DeleteAsync($"{Api.Agents}/{admin.Id}").ProblemAsync(HttpStatusCode.BadRequest)).Field("isActive");
        (await admin.Http.PatchJsonAsync($"{Api.Agents}/{admin.Id}", new { isActive = false }).ProblemAsync(HttpStatusCode.BadRequest)).Field("isActive");
        (await admin.Http.PatchJsonAsync($"{Api.Agents}/{admin.Id}", new { role = "agent" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("role");

        var me = await admin.Http.GetAsync($"{Api.Agents}/me").ReadAsync<AgentDto>(HttpStatusCode.OK);
        Assert.True(me.IsActive);
        Assert.Equal(AgentRole.Admin, me.Role);
        await admin.Http.DeleteAsync($"{Api.Agents}/{Guid.NewGuid()}").ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Writes_AsAgentOrSupervisor_Return403(string db)
    {
        var app = await AppAsync(db);
        var victim = await app.CreateAgentAsync();

        foreach (var role in new[] { AgentRole.Agent, AgentRole.Supervisor })
        {
            var caller = await app.CreateAgentAsync(role);
            await caller.Http.PostJsonAsync(Api.Agents, new { email = $"x-{Unique.Id()}@agents.test", displayName = "x", role = "admin", password = KefuApp.AgentPassword })
                .ProblemAsync(HttpStatusCode.Forbidden);
            await caller.Http.PatchJsonAsync($"{Api.Agents}/{caller.Id}", new { role = "admin" }).ProblemAsync(HttpStatusCode.Forbidden);
            await caller.Http.DeleteAsync($"{Api.Agents}/{victim.Id}").ProblemAsync(HttpStatusCode.Forbidden);
        }

        await victim.Http.GetAsync($"{Api.Agents}/me").ExpectAsync(HttpStatusCode.OK);
    }
}
