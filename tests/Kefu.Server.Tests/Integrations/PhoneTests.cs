using Kefu.Core.Channels.Phone;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Phone;

namespace Kefu.Server.Tests.Integrations;

public sealed class PhoneTests(Apps apps) : ServerTest(apps)
{
    private static string NewNumber() => $"+86 139 {Random.Shared.Next(1000, 9999)} {Random.Shared.Next(1000, 9999)}";

    private static string Normalized(string number) => "+" + new string(number.Where(char.IsAsciiDigit).ToArray());

    [Theory, MemberData(nameof(Providers))]
    public async Task CtiCall_LogsAMessageOnThePhoneConversation_OnceByExternalId_AndTheNextCallJoinsIt(string provider)
    {
        var app = await AppAsync(provider);
        var pbx = await app.CreateAgentAsync(scopes: ["conversations:read", "conversations:write", "customers:read"]);
        var number = NewNumber();
        var callId = "pbx-" + Unique.Id();
        var call = new { externalCallId = callId, direction = "inbound", outcome = "answered", number, durationSeconds = 205, recordingUrl = "https://pbx.example.com/rec/1.mp3", notes = "退货咨询", customerName = "李雷" };

        var first = await pbx.Http.PostJsonAsync("/api/v1/calls", call).ReadAsync<LoggedCall>(HttpStatusCode.Created);
        var repeat = await pbx.Http.PostJsonAsync("/api/v1/calls", call).ReadAsync<LoggedCall>(HttpStatusCode.OK);
        var callback = await pbx.Http.PostJsonAsync("/api/v1/calls", new { direction = "outbound", number, durationSeconds = 30, agentId = pbx.Id })
            .ReadAsync<LoggedCall>(HttpStatusCode.Created);

        Assert.Equal(Channel.Phone, first.Conversation.Channel);
        Assert.Equal(first.Call.Id, repeat.Call.Id);
        Assert.Equal(first.Message.Id, repeat.Message.Id);
        Assert.Equal(first.Conversation.Id, callback.Conversation.Id);
        Assert.Equal(Normalized(number), first.Call.Number);
        Assert.Equal(CallDirection.Inbound, first.Call.Direction);
        Assert.Equal(205, first.Call.DurationSeconds);
        Assert.Equal(MessageKind.Inbound, first.Message.Kind);
        Assert.Equal(MessageKind.Outbound, callback.Message.Kind);
        Assert.Contains("3:25", first.Message.Text);
        Assert.Contains("退货咨询", first.Message.Text);
        Assert.Contains("https://pbx.example.com/rec/1.mp3", first.Message.Text);
        var detail = await pbx.Http.GetConversationAsync(first.Conversation.Id);
        Assert.Equal(2, detail.Messages.Count);
        Assert.Equal(ConversationStatus.Open, detail.Conversation.Status);
        var logs = await pbx.Http.GetAsync($"/api/v1/calls?conversationId={first.Conversation.Id}").ReadAsync<List<CallLogDto>>(HttpStatusCode.OK);
        Assert.Equal(2, logs.Count);
        Assert.Equal("李雷", (await pbx.Http.GetCustomerAsync(first.Conversation.CustomerId)).Name);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Lookup_ByAnyFormOfTheNumber_ReturnsCustomerOpenConversationsAndCallbacks(string provider)
    {
        var app = await AppAsync(provider);
        var agent = await app.CreateAgentAsync();
        var number = NewNumber();
        var logged = await agent.Http.PostJsonAsync("/api/v1/calls", new { direction = "inbound", outcome = "missed", number }).ReadAsync<LoggedCall>(HttpStatusCode.Created);
        var due = DateTimeOffset.UtcNow.AddHours(2);
        await agent.Http.PostJsonAsync("/api/v1/callbacks", new { number, dueAt = due, notes = "after lunch", conversationId = logged.Conversation.Id })
            .ExpectAsync(HttpStatusCode.Created);

        var found = await agent.Http.GetAsync($"/api/v1/cti/lookup?number={Api.Q(Normalized(number).Replace("+86", "+86-"))}").ReadAsync<CallerLookup>(HttpStatusCode.OK);
        var unknown = await agent.Http.GetAsync($"/api/v1/cti/lookup?number={Api.Q(NewNumber())}").ReadAsync<CallerLookup>(HttpStatusCode.OK);
        var bad = await agent.Http.GetAsync("/api/v1/cti/lookup?number=abc").ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(logged.Conversation.CustomerId, found.Customer!.Id);
        Assert.Equal([logged.Conversation.Id], found.OpenConversations.Select(c => c.Id));
        Assert.Equal("after lunch", Assert.Single(found.OpenCallbacks).Notes);
        Assert.Null(unknown.Customer);
        Assert.Empty(unknown.OpenConversations);
        Assert.Contains("number", bad.Fields);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Callbacks_ListedSoonestFirst_OverdueFlagged_DoneLeavesTheList(string provider)
    {
        var app = await AppAsync(provider);
        var agent = await app.CreateAgentAsync();
        var soon = await agent.Http.PostJsonAsync("/api/v1/callbacks", new { number = NewNumber(), dueAt = DateTimeOffset.UtcNow.AddSeconds(1), customerName = "Soon " + Unique.Id() })
            .ReadAsync<CallbackDto>(HttpStatusCode.Created);
        var later = await agent.Http.PostJsonAsync("/api/v1/callbacks", new { number = NewNumber(), dueAt = DateTimeOffset.UtcNow.AddDays(1) })
            .ReadAsync<CallbackDto>(HttpStatusCode.Created);
        var invalid = await agent.Http.PostJsonAsync("/api/v1/callbacks", new { number = "12", dueAt = DateTimeOffset.UtcNow.AddDays(-1) }).ProblemAsync(HttpStatusCode.BadRequest);

        await Task.Delay(1200);
        var open = await agent.Http.GetAsync("/api/v1/callbacks").ReadAsync<List<CallbackDto>>(HttpStatusCode.OK);
        Assert.True(open.FindIndex(c => c.Id == soon.Id) < open.FindIndex(c => c.Id == later.Id));
        Assert.True(open.Single(c => c.Id == soon.Id).Overdue);
        Assert.False(open.Single(c => c.Id == later.Id).Overdue);
        Assert.Contains("number", invalid.Fields);
        Assert.Contains("dueAt", invalid.Fields);

        var done = await agent.Http.PostAsync($"/api/v1/callbacks/{soon.Id}/done", null).ReadAsync<CallbackDto>(HttpStatusCode.OK);
        Assert.Equal(CallbackStatus.Done, done.Status);
        Assert.False(done.Overdue);
        Assert.DoesNotContain(await agent.Http.GetAsync("/api/v1/callbacks").ReadAsync<List<CallbackDto>>(HttpStatusCode.OK), c => c.Id == soon.Id);
        await agent.Http.PostAsync($"/api/v1/callbacks/{soon.Id}/cancel", null).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task LogCall_Invalid_Is400_AndNeedsAToken(string provider)
    {
        var app = await AppAsync(provider);
        var agent = await app.CreateAgentAsync();

        var problem = await agent.Http.PostJsonAsync("/api/v1/calls", new { number = "x", durationSeconds = -5, recordingUrl = "javascript:x" }).ProblemAsync(HttpStatusCode.BadRequest);
        await app.Anonymous().PostJsonAsync("/api/v1/calls", new { direction = "inbound", number = NewNumber() }).ExpectAsync(HttpStatusCode.Unauthorized);

        Assert.Contains("direction", problem.Fields);
        Assert.Contains("number", problem.Fields);
        Assert.Contains("durationSeconds", problem.Fields);
        Assert.Contains("recordingUrl", problem.Fields);
    }
}
