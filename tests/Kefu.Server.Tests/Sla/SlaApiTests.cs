using System.Net.Http.Headers;
using Kefu.Core.Agents;
using Kefu.Core.Sla;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Sla;

namespace Kefu.Server.Tests.Sla;

public sealed class SlaApiTests(Apps apps) : ServerTest(apps)
{
    public const string Calendars = "/api/v1/calendars";
    public const string Policies = "/api/v1/sla-policies";

    private const string Ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        + "BEGIN:VEVENT\r\nSUMMARY:元旦\r\nDTSTART;VALUE=DATE:20270101\r\nRRULE:FREQ=YEARLY\r\nEND:VEVENT\r\n"
        + "BEGIN:VEVENT\r\nSUMMARY:春节\r\nDTSTART;VALUE=DATE:20270206\r\nDTEND;VALUE=DATE:20270214\r\nEND:VEVENT\r\n"
        + "BEGIN:VEVENT\r\nSUMMARY:Weekly sync\r\nDTSTART;VALUE=DATE:20270105\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\n"
        + "END:VCALENDAR\r\n";

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Calendars_CreateImportIcsAndValidate(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var name = "Shanghai office " + Unique.Id();

        var created = await admin.Http.PostJsonAsync(Calendars, new
        {
            name,
            timeZone = "Asia/Shanghai",
            slots = new[] { new { day = "monday", start = "09:00", end = "12:00" }, new { day = "monday", start = "13:30", end = "18:00" }, new { day = "friday", start = "22:00", end = "06:00" } },
            holidays = new[] { new { name = "国庆节", start = "2026-10-01", end = "2026-10-07" } },
        }).ReadAsync<CalendarDto>(HttpStatusCode.Created);
        Assert.Equal(["09:00-12:00", "13:30-18:00", "22:00-06:00"], created.Slots.Select(s => $"{s.Start}-{s.End}"));
        Assert.Equal("国庆节", Assert.Single(created.Holidays).Name);

        var invalid = await admin.Http.PostJsonAsync(Calendars, new { name = "", timeZone = "Mars/Olympus", slots = new[] { new { day = "monday", start = "9am", end = "18:00" } } });
        var problem = await invalid.ReadAsync<HttpValidationProblem>(HttpStatusCode.BadRequest);
        Assert.Equal(["name", "slots[0].start", "timeZone"], problem.Errors.Keys.Order());

        var forbidden = await agent.Http.PostJsonAsync(Calendars, new { name = "x" + Unique.Id(), timeZone = "UTC" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        var raw = new StringContent(Ics, System.Text.Encoding.UTF8, "text/calendar");
        var imported = await (await admin.Http.PostAsync($"{Calendars}/{created.Id}/holidays/import", raw)).ReadAsync<HolidayImportDto>(HttpStatusCode.OK);
        Assert.Equal(2, imported.Added);
        Assert.StartsWith("Weekly sync", Assert.Single(imported.Skipped));

        // The same file again as a form upload: nothing new.
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(Ics));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/calendar");
        form.Add(file, "file", "holidays.ics");
        var again = await (await admin.Http.PostAsync($"{Calendars}/{created.Id}/holidays/import", form)).ReadAsync<HolidayImportDto>(HttpStatusCode.OK);
        Assert.Equal(0, again.Added);

        var notIcs = await admin.Http.PostAsync($"{Calendars}/{created.Id}/holidays/import", new StringContent("hello", System.Text.Encoding.UTF8, "text/plain"));
        Assert.Contains("file", (await notIcs.ReadAsync<HttpValidationProblem>(HttpStatusCode.BadRequest)).Errors.Keys);

        var stored = await agent.Http.GetAsync($"{Calendars}/{created.Id}").ReadAsync<CalendarDto>(HttpStatusCode.OK);
        Assert.Equal(["国庆节", "元旦", "春节"], stored.Holidays.Select(h => h.Name));
        Assert.True(stored.Holidays.Single(h => h.Name == "元旦").Yearly);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Policies_DueTimesComputedOnEveryWrite(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var category = await NewCategoryAsync(admin);

        var invalid = await admin.Http.PostJsonAsync(Policies, new { name = "x" + Unique.Id(), calendarId = Guid.NewGuid(), targets = new { } });
        Assert.Equal(["calendarId", "targets"], (await invalid.ReadAsync<HttpValidationProblem>(HttpStatusCode.BadRequest)).Errors.Keys.Order());

        var policy = await admin.Http.PostJsonAsync(Policies, new
        {
            name = "Category policy " + Unique.Id(),
            position = 0,
            categoryIds = new[] { category },
            targets = new { firstResponseMinutes = 5, nextResponseMinutes = 10, resolutionMinutes = 60 },
            escalations = new[] { new { afterBreachMinutes = 0, actions = new[] { new { kind = "notify_supervisor" } } } },
        }).ReadAsync<SlaPolicyDto>(HttpStatusCode.Created);
        Assert.Equal(EscalationActionKind.NotifySupervisor, policy.Escalations[0].Actions![0].Kind);

        var created = (await agent.Http.CreateConversationAsync(Api.NewConversation(categoryId: category))).Conversation;
        Assert.Equal(policy.Id, created.Sla!.PolicyId);
        Assert.Equal(created.CreatedAt.AddMinutes(5), created.Sla.FirstResponseDueAt);
        Assert.Equal(created.CreatedAt.AddMinutes(60), created.Sla!.ResolutionDueAt);

        await agent.Http.PostJsonAsync($"{Api.Conversations}/{created.Id}/messages", new { kind = "outbound", text = "On it." }).ReadAsync<MessageDto>(HttpStatusCode.Created);
        var sla = await agent.Http.GetAsync($"{Api.Conversations}/{created.Id}/sla").ReadAsync<ConversationSlaDetail>(HttpStatusCode.OK);
        Assert.Equal(SlaClockStatus.Met, sla.Clocks.Single(c => c.Metric == SlaMetric.FirstResponse).Status);
        Assert.Equal(SlaClockStatus.Running, sla.Clocks.Single(c => c.Metric == SlaMetric.Resolution).Status);

        var pending = await agent.Http.PatchConversationAsync(created.Id, new { status = "pending" });
        Assert.True(pending.Sla!.Paused);
        Assert.Null(pending.Sla.ResolutionDueAt);

        var reopened = await agent.Http.PatchConversationAsync(created.Id, new { status = "open" });
        Assert.False(reopened.Sla!.Paused);
        // PostgreSQL keeps microseconds: the stored start may be a fraction of a microsecond before the returned one.
        Assert.True(reopened.Sla.ResolutionDueAt >= created.Sla!.ResolutionDueAt!.Value.AddMilliseconds(-1));

        // Another category: the policy no longer applies, the default one does.
        var moved = await agent.Http.PatchJsonAsync($"{Api.Conversations}/{created.Id}", """{"categoryId":null}""").ReadAsync<ConversationDto>(HttpStatusCode.OK);
        Assert.NotEqual(policy.Id, moved.Sla?.PolicyId);
    }

    internal static async Task<Guid> NewCategoryAsync(Caller admin)
    {
        var key = "sla_" + Unique.Id();
        var category = await admin.Http.PostJsonAsync(Api.Categories, new { key, nameEn = key, nameZh = key, position = 900 }).ReadAsync<CategoryDto>(HttpStatusCode.Created);
        return category.Id;
    }
}

public sealed record HttpValidationProblem(int Status, string Title, Dictionary<string, string[]> Errors);
