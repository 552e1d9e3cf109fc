using Kefu.Core.Common;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Conversations;

namespace Kefu.Server.Tests.Conversations;

public sealed class ConversationUpdateTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_EveryField_ChangesItBumpsTheVersionAndSetsETag(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var team = await admin.Http.PostJsonAsync(Api.Teams, new { name = "Team " + Unique.Id() }).ReadAsync<TeamDto>(HttpStatusCode.Created);
        var category = (await agent.Http.GetAsync(Api.Categories).ReadAsync<List<CategoryDto>>(HttpStatusCode.OK)).First(c => c.Key == "warranty");
        var created = (await agent.Http.CreateConversationAsync()).Conversation;
        var tag = Api.Tag();

        var response = await agent.Http.PatchJsonAsync($"{Api.Conversations}/{created.Id}", new
        {
            subject = "  New subject ",
            status = "open",
            priority = "high",
            categoryId = category.Id,
            tags = new[] { tag, "VIP" },
            assigneeId = agent.Id,
            teamId = team.Id,
        });

        var updated = await response.ReadAsync<ConversationDto>(HttpStatusCode.OK);
        Assert.Equal("New subject", updated.Subject);
        Assert.Equal(ConversationStatus.Open, updated.Status);
        Assert.Equal(Priority.High, updated.Priority);
        Assert.Equal(category.Id, updated.CategoryId);
        Assert.Equal([tag, "vip"], updated.Tags);
        Assert.Equal(agent.Id, updated.AssigneeId);
        Assert.Equal(team.Id, updated.TeamId);
        Assert.Equal(created.Version + 1, updated.Version);
        Assert.Equal($"\"{updated.Version}\"", response.Headers.ETag?.Tag);
        Assert.True(updated.UpdatedAt >= created.UpdatedAt);

        var stored = (await agent.Http.GetConversationAsync(created.Id)).Conversation;
        Assert.Equal(
            (updated.Subject, updated.Status, updated.Priority, updated.CategoryId, Tags.Format(updated.Tags), updated.AssigneeId, updated.TeamId, updated.Version),
            (stored.Subject, stored.Status, stored.Priority, stored.CategoryId, Tags.Format(stored.Tags), stored.AssigneeId, stored.TeamId, stored.Version));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_ExplicitNulls_ClearAssigneeTeamAndCategory(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var team = await admin.Http.PostJsonAsync(Api.Teams, new { name = "Team " + Unique.Id() }).ReadAsync<TeamDto>(HttpStatusCode.Created);
        var category = (await agent.Http.GetAsync(Api.Categories).ReadAsync<List<CategoryDto>>(HttpStatusCode.OK)).First(c => c.Key == "complaint");
        var created = (await agent.Http.CreateConversationAsync(Api.NewConversation(assigneeId: agent.Id, teamId: team.Id, categoryId: category.Id))).Conversation;

        var onlyAssignee = await agent.Http.PatchConversationAsync(created.Id, """{"assigneeId":null}""");
        var rest = await agent.Http.PatchConversationAsync(created.Id, """{"teamId":null,"categoryId":null}""");

        Assert.Null(onlyAssignee.AssigneeId);
        Assert.Equal(team.Id, onlyAssignee.TeamId);
        Assert.Equal(category.Id, onlyAssignee.CategoryId);
        Assert.Null(rest.TeamId);
        Assert.Null(rest.CategoryId);
        Assert.Null((await agent.Http.GetConversationAsync(created.Id)).Conversation.AssigneeId);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_NoChange_KeepsTheVersion(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;

        var updated = await agent.Http.PatchConversationAsync(created.Id, new { priority = "normal" });

        Assert.Equal(created.Version, updated.Version);
        Assert.DoesNotContain(await agent.Http.ActivityAsync($"{Api.Conversations}/{created.Id}/activity"), a => a.Action == "updated" && a.Field == "priority");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_IllegalStatusTransition_Returns400NamingStatus(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;

        var problem = await agent.Http.PatchJsonAsync($"{Api.Conversations}/{created.Id}", new { status = "closed" }).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("cannot change from new to closed", Assert.Single(problem.Field("status")));
        Assert.Equal(ConversationStatus.New, (await agent.Http.GetConversationAsync(created.Id)).Conversation.Status);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_ResolveThenClose_SetsResolvedAndClosedTimes(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;

        await agent.Http.PatchConversationAsync(created.Id, new { status = "resolved" });
        var resolved = (await agent.Http.GetConversationAsync(created.Id)).Conversation;
        await agent.Http.PatchConversationAsync(created.Id, new { status = "closed" });
        var closed = (await agent.Http.GetConversationAsync(created.Id)).Conversation;
        var reopen = await agent.Http.PatchJsonAsync($"{Api.Conversations}/{created.Id}", new { status = "open" }).ProblemAsync(HttpStatusCode.Conflict);

        Assert.NotNull(resolved.ResolvedAt);
        Assert.Null(resolved.ClosedAt);
        Assert.Equal(resolved.ResolvedAt, closed.ResolvedAt);
        Assert.NotNull(closed.ClosedAt);
        Assert.Contains("is closed and can no longer be changed", reopen.Detail);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_IfMatch_AcceptsCurrentAndRejectsStaleVersions(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;
        var url = $"{Api.Conversations}/{created.Id}";

        var first = await agent.Http.PatchJsonAsync(url, new { priority = "high" }, ifMatch: $"\"{created.Version}\"").ReadAsync<ConversationDto>(HttpStatusCode.OK);
        var stale = await agent.Http.PatchJsonAsync(url, new { priority = "low" }, ifMatch: $"\"{created.Version}\"").ProblemAsync(HttpStatusCode.Conflict);
        var weak = await agent.Http.PatchJsonAsync(url, new { priority = "urgent" }, ifMatch: $"W/\"{first.Version}\"").ReadAsync<ConversationDto>(HttpStatusCode.OK);
        var malformed = await agent.Http.PatchJsonAsync(url, new { priority = "low" }, ifMatch: "\"abc\"").ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains($"version {first.Version}", stale.Detail);
        Assert.Equal(Priority.Urgent, weak.Priority);
        malformed.Field("If-Match");
        Assert.Equal(Priority.Urgent, (await agent.Http.GetConversationAsync(created.Id)).Conversation.Priority);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_TwoConcurrentPatchesWithTheSameIfMatch_ExactlyOneWins(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        for (var round = 0; round < 3; round++)
        {
            var created = (await agent.Http.CreateConversationAsync()).Conversation;
            var url = $"{Api.Conversations}/{created.Id}";
            var etag = $"\"{created.Version}\"";

            var responses = await Task.WhenAll(
                agent.Http.PatchJsonAsync(url, new { priority = "high" }, etag),
                agent.Http.PatchJsonAsync(url, new { priority = "urgent" }, etag));

            var statuses = responses.Select(r => r.StatusCode).Order().ToList();
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], statuses);
            var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.OK).ReadAsync<ConversationDto>(HttpStatusCode.OK);
            await responses.Single(r => r.StatusCode == HttpStatusCode.Conflict).ProblemAsync(HttpStatusCode.Conflict);
            var stored = (await agent.Http.GetConversationAsync(created.Id)).Conversation;
            Assert.Equal(created.Version + 1, stored.Version);
            Assert.Equal(winner.Priority, stored.Priority);
        }
    }

    /// <summary>Regression: a PATCH without If-Match answered 409 when a message or another change landed while it ran.</summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_WithoutIfMatchWhileMessagesArrive_AppliesEveryChange(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;
        var url = $"{Api.Conversations}/{created.Id}";
        var tag = Api.Tag();

        var responses = await Task.WhenAll(
            Enumerable.Range(0, 4).Select(i => agent.Http.PostJsonAsync($"{url}/messages", new { kind = "inbound", text = $"message {i}" }))
                .Append(agent.Http.PatchJsonAsync(url, new { priority = "high" }))
                .Append(agent.Http.PatchJsonAsync(url, new { tags = new[] { tag } }))
                .Append(agent.Http.PatchJsonAsync(url, new { assigneeId = agent.Id })));

        Assert.All(responses, r => Assert.True(r.IsSuccessStatusCode, $"{r.RequestMessage?.Method} answered {(int)r.StatusCode}"));
        var stored = await agent.Http.GetConversationAsync(created.Id);
        Assert.Equal((Priority.High, tag, agent.Id, 5), (stored.Conversation.Priority, stored.Conversation.Tags.Single(), stored.Conversation.AssigneeId, stored.Messages.Count));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_UnknownConversation_Returns404Problem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        await agent.Http.PatchJsonAsync($"{Api.Conversations}/{Guid.NewGuid()}", new { priority = "high" }).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_UnknownIdsInBody_Returns400NamingEachFieldAndChangesNothing(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;

        var problem = await agent.Http.PatchJsonAsync($"{Api.Conversations}/{created.Id}",
            new { priority = "high", assigneeId = Guid.NewGuid(), teamId = Guid.NewGuid(), categoryId = Guid.NewGuid() }).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["assigneeId", "categoryId", "teamId"], problem.Fields.Order());
        var stored = (await agent.Http.GetConversationAsync(created.Id)).Conversation;
        Assert.Equal(Priority.Normal, stored.Priority);
        Assert.Equal(created.Version, stored.Version);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_InvalidValues_Returns400NamingTheFields(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync()).Conversation;
        var url = $"{Api.Conversations}/{created.Id}";

        (await agent.Http.PatchJsonAsync(url, new { subject = "  " }).ProblemAsync(HttpStatusCode.BadRequest)).Field("subject");
        (await agent.Http.PatchJsonAsync(url, new { subject = new string('s', 301) }).ProblemAsync(HttpStatusCode.BadRequest)).Field("subject");
        (await agent.Http.PatchJsonAsync(url, """{"tags":null}""").ProblemAsync(HttpStatusCode.BadRequest)).Field("tags");
        (await agent.Http.PatchJsonAsync(url, new { tags = new[] { new string('x', 51) } }).ProblemAsync(HttpStatusCode.BadRequest)).Field("tags[0]");
        (await agent.Http.PatchJsonAsync(url, new { tags = Enumerable.Range(0, 31).Select(i => $"t{i}") }).ProblemAsync(HttpStatusCode.BadRequest)).Field("tags");
        (await agent.Http.PatchJsonAsync(url, new { priority = "asap" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("priority");
        Assert.Equal(created.Version, (await agent.Http.GetConversationAsync(created.Id)).Conversation.Version);
    }

    /// <summary>Regression: "priority": null was read as the enum's default and silently set the priority to low.</summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_NullForStatusOrPriority_Returns400AndChangesNothing(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = (await agent.Http.CreateConversationAsync(Api.NewConversation(priority: Priority.Urgent))).Conversation;
        var url = $"{Api.Conversations}/{created.Id}";

        (await agent.Http.PatchJsonAsync(url, """{"priority":null}""").ProblemAsync(HttpStatusCode.BadRequest)).Field("priority");
        (await agent.Http.PatchJsonAsync(url, """{"status":null}""").ProblemAsync(HttpStatusCode.BadRequest)).Field("status");

        var stored = (await agent.Http.GetConversationAsync(created.Id)).Conversation;
        Assert.Equal(Priority.Urgent, stored.Priority);
        Assert.Equal(created.Version, stored.Version);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Activity_AfterChanges_ShowsWhoChangedWhatBeforeAndAfter(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync(name: "Activity Agent " + Unique.Id());
        var created = (await agent.Http.CreateConversationAsync()).Conversation;
        var url = $"{Api.Conversations}/{created.Id}";

        await agent.Http.PatchConversationAsync(created.Id, new { priority = "urgent", status = "pending" });
        await agent.Http.PatchConversationAsync(created.Id, new { assigneeId = agent.Id });
        await agent.Http.PatchConversationAsync(created.Id, """{"assigneeId":null}""");

        var activity = await agent.Http.ActivityAsync($"{url}/activity");
        Assert.Equal("created", activity[0].Action);
        Assert.Equal($"#{created.Number}", activity[0].After);
        var priority = Assert.Single(activity, a => a.Field == "priority");
        Assert.Equal(("updated", "normal", "urgent"), (priority.Action, priority.Before, priority.After));
        Assert.Equal(ActorKind.Integration, priority.ActorKind);
        Assert.Equal(agent.Id, priority.ActorId);
        Assert.Contains("Activity Agent", priority.ActorName);
        Assert.Contains(activity, a => a is { Field: "status", Before: "new", After: "pending" });
        Assert.Equal([(null, agent.Id.ToString()), (agent.Id.ToString(), null)],
            activity.Where(a => a.Field == "assigneeId").Select(a => (a.Before, a.After)));
        Assert.Equal(activity.OrderBy(a => a.At).Select(a => a.At), activity.Select(a => a.At));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Activity_UnknownConversation_Returns404Problem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        await agent.Http.GetAsync($"{Api.Conversations}/{Guid.NewGuid()}/activity").ProblemAsync(HttpStatusCode.NotFound);
    }
}
