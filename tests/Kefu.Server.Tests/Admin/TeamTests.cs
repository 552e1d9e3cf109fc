using Kefu.Core.Agents;
using Kefu.Server.Features.Admin;

namespace Kefu.Server.Tests.Admin;

public sealed class TeamTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Crud_AsAdmin_CreatesReadsRenamesAndDeletes(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var name = "Billing " + Unique.Id();

        var response = await admin.Http.PostJsonAsync(Api.Teams, new { name = $"  {name}  ", description = "Invoices and refunds" });
        var created = await response.ReadAsync<TeamDto>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/teams/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal((name, "Invoices and refunds", 0), (created.Name, created.Description, created.MemberCount));

        var member = await app.CreateAgentAsync(teamIds: [created.Id]);
        Assert.Equal(1, (await admin.Http.GetAsync($"{Api.Teams}/{created.Id}").ReadAsync<TeamDto>(HttpStatusCode.OK)).MemberCount);
        Assert.Contains(await admin.Http.GetAsync(Api.Teams).ReadAsync<List<TeamDto>>(HttpStatusCode.OK), t => t.Id == created.Id && t.MemberCount == 1);

        var renamed = await admin.Http.PatchJsonAsync($"{Api.Teams}/{created.Id}", new { name = name + " 2" }).ReadAsync<TeamDto>(HttpStatusCode.OK);
        Assert.Equal((name + " 2", "Invoices and refunds"), (renamed.Name, renamed.Description));

        await admin.Http.DeleteAsync($"{Api.Teams}/{created.Id}").ExpectAsync(HttpStatusCode.NoContent);
        await admin.Http.GetAsync($"{Api.Teams}/{created.Id}").ProblemAsync(HttpStatusCode.NotFound);
        Assert.DoesNotContain(await admin.Http.GetAsync(Api.Teams).ReadAsync<List<TeamDto>>(HttpStatusCode.OK), t => t.Id == created.Id);
        Assert.DoesNotContain(created.Id, (await admin.Http.GetAsync($"{Api.Agents}/{member.Id}").ReadAsync<AgentDto>(HttpStatusCode.OK)).TeamIds);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Writes_AsAgentOrSupervisor_Return403(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var team = await admin.Http.PostJsonAsync(Api.Teams, new { name = "Locked " + Unique.Id() }).ReadAsync<TeamDto>(HttpStatusCode.Created);

        foreach (var role in new[] { AgentRole.Agent, AgentRole.Supervisor })
        {
            var caller = await app.CreateAgentAsync(role);
            await caller.Http.PostJsonAsync(Api.Teams, new { name = "Nope " + Unique.Id() }).ProblemAsync(HttpStatusCode.Forbidden);
            await caller.Http.PatchJsonAsync($"{Api.Teams}/{team.Id}", new { name = "Renamed " + Unique.Id() }).ProblemAsync(HttpStatusCode.Forbidden);
            await caller.Http.DeleteAsync($"{Api.Teams}/{team.Id}").ProblemAsync(HttpStatusCode.Forbidden);

            Assert.Contains(await caller.Http.GetAsync(Api.Teams).ReadAsync<List<TeamDto>>(HttpStatusCode.OK), t => t.Id == team.Id);
            Assert.Equal(team.Name, (await caller.Http.GetAsync($"{Api.Teams}/{team.Id}").ReadAsync<TeamDto>(HttpStatusCode.OK)).Name);
        }
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task CreateOrRename_DuplicateName_Returns409(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var name = "Dup " + Unique.Id();
        await admin.Http.PostJsonAsync(Api.Teams, new { name }).ExpectAsync(HttpStatusCode.Created);
        var other = await admin.Http.PostJsonAsync(Api.Teams, new { name = "Other " + Unique.Id() }).ReadAsync<TeamDto>(HttpStatusCode.Created);

        await admin.Http.PostJsonAsync(Api.Teams, new { name = $" {name} " }).ProblemAsync(HttpStatusCode.Conflict);
        await admin.Http.PatchJsonAsync($"{Api.Teams}/{other.Id}", new { name }).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Equal(other.Name, (await admin.Http.GetAsync($"{Api.Teams}/{other.Id}").ReadAsync<TeamDto>(HttpStatusCode.OK)).Name);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Delete_TeamUsedByAConversation_Returns409(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var team = await admin.Http.PostJsonAsync(Api.Teams, new { name = "Used " + Unique.Id() }).ReadAsync<TeamDto>(HttpStatusCode.Created);
        var conversation = (await admin.Http.CreateConversationAsync(Api.NewConversation(teamId: team.Id))).Conversation;

        var problem = await admin.Http.DeleteAsync($"{Api.Teams}/{team.Id}").ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("1 conversations", problem.Detail);
        await admin.Http.PatchConversationAsync(conversation.Id, """{"teamId":null}""");
        await admin.Http.DeleteAsync($"{Api.Teams}/{team.Id}").ExpectAsync(HttpStatusCode.NoContent);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Writes_InvalidOrUnknown_Return400Or404(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();

        (await admin.Http.PostJsonAsync(Api.Teams, new { description = "no name" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("name");
        (await admin.Http.PostJsonAsync(Api.Teams, new { name = new string('n', 201) }).ProblemAsync(HttpStatusCode.BadRequest)).Field("name");
        (await admin.Http.PostJsonAsync(Api.Teams, new { name = "x" + Unique.Id(), description = new string('d', 1001) }).ProblemAsync(HttpStatusCode.BadRequest)).Field("description");
        await admin.Http.GetAsync($"{Api.Teams}/{Guid.NewGuid()}").ProblemAsync(HttpStatusCode.NotFound);
        await admin.Http.PatchJsonAsync($"{Api.Teams}/{Guid.NewGuid()}", new { name = "x" }).ProblemAsync(HttpStatusCode.NotFound);
        await admin.Http.DeleteAsync($"{Api.Teams}/{Guid.NewGuid()}").ProblemAsync(HttpStatusCode.NotFound);
    }
}
