using Kefu.Core.Agents;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Customers;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Customers;

public sealed class CustomerTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_WithIdentities_NormalisesEmailAndPhone(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var local = "Mixed.Case." + Unique.Id();
        var digits = "1" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);

        var response = await agent.Http.PostJsonAsync(Api.Customers, new
        {
            name = "  Zhang Wei  ",
            language = "zh-CN",
            attributes = new Dictionary<string, string> { ["plan"] = "gold" },
            tags = new[] { "VIP", "vip ", "Beijing" },
            identities = new object[]
            {
                new { kind = "email", value = $" {local}@Example.COM " },
                new { kind = "phone", value = $"+86 ({digits[..3]}) {digits[3..7]}-{digits[7..]}" },
                new { kind = "external", source = "WeChat", value = "wx-" + Unique.Id() },
            },
        });

        var customer = await response.ReadAsync<CustomerDto>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/customers/{customer.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal("Zhang Wei", customer.Name);
        Assert.Equal("zh-CN", customer.Language);
        Assert.Equal("gold", customer.Attributes["plan"]);
        Assert.Equal(["vip", "beijing"], customer.Tags);
        Assert.Equal(1, customer.Version);
        Assert.Equal([IdentityKind.Email, IdentityKind.Phone, IdentityKind.External], customer.Identities.Select(i => i.Kind));
        Assert.Equal($"{local.ToLowerInvariant()}@example.com", customer.Identities[0].Value);
        Assert.Equal("+86" + digits, customer.Identities[1].Value);
        Assert.Equal("wechat", customer.Identities[2].Source);
        Assert.Equal(customer.Identities.Select(i => i.Value), (await agent.Http.GetCustomerAsync(customer.Id)).Identities.Select(i => i.Value));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_IdentityOwnedByAnotherCustomer_Returns409AndWritesNothing(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var email = Api.Email();
        var owner = await agent.Http.CreateCustomerAsync("Owner", new NewIdentity(IdentityKind.Email, null, email));
        var name = "Duplicate " + Unique.Id();

        var problem = await agent.Http.PostJsonAsync(Api.Customers, new
        {
            name,
            identities = new object[] { new { kind = "email", value = Api.Email() }, new { kind = "email", value = email.ToUpperInvariant() } },
        }).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains(owner.Id.ToString(), problem.Detail);
        Assert.Empty((await agent.Http.ListCustomersAsync($"q={Api.Q(name)}")).Items);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_InvalidFields_Returns400NamingThem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        var problem = await agent.Http.PostJsonAsync(Api.Customers, new
        {
            name = new string('n', 201),
            identities = new object[] { new { kind = "email", value = "not-an-email" }, new { kind = "phone", value = "12" }, new { kind = "external", value = "x" }, new { value = "x" } },
        }).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["identities[0].value", "identities[1].value", "identities[2].source", "identities[3].kind", "name"], problem.Fields.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Get_ExistingAndUnknown_Returns200WithETagOr404(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var customer = await agent.Http.CreateCustomerAsync("Get Me");

        var response = await agent.Http.GetAsync($"{Api.Customers}/{customer.Id}");

        Assert.Equal("Get Me", (await response.ReadAsync<CustomerDto>(HttpStatusCode.OK)).DisplayName);
        Assert.Equal("\"1\"", response.Headers.ETag?.Tag);
        await agent.Http.GetAsync($"{Api.Customers}/{Guid.NewGuid()}").ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_NameAttributesAndTags_ReplacesThemAndBumpsTheVersion(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = await agent.Http.PostJsonAsync(Api.Customers, new
        {
            name = "Before",
            attributes = new Dictionary<string, string> { ["plan"] = "free", ["city"] = "Shanghai" },
            tags = new[] { "old" },
            identities = new[] { new { kind = "email", value = Api.Email() } },
        }).ReadAsync<CustomerDto>(HttpStatusCode.Created);

        var response = await agent.Http.PatchJsonAsync($"{Api.Customers}/{created.Id}", new
        {
            name = "张伟",
            attributes = new Dictionary<string, string> { ["plan"] = "gold", ["vip_since"] = "2024" },
            tags = new[] { "New", "vip" },
        }, ifMatch: "\"1\"");

        var updated = await response.ReadAsync<CustomerDto>(HttpStatusCode.OK);
        Assert.Equal("张伟", updated.Name);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "gold", ["vip_since"] = "2024" }, updated.Attributes);
        Assert.Equal(["new", "vip"], updated.Tags);
        Assert.Equal(2, updated.Version);
        Assert.Equal("\"2\"", response.Headers.ETag?.Tag);
        var stored = await agent.Http.GetCustomerAsync(created.Id);
        Assert.Equal(updated.Attributes, stored.Attributes);
        Assert.Equal(updated.Tags, stored.Tags);

        var cleared = await agent.Http.PatchJsonAsync($"{Api.Customers}/{created.Id}", """{"name":null,"attributes":{},"tags":[]}""")
            .ReadAsync<CustomerDto>(HttpStatusCode.OK);
        Assert.Null(cleared.Name);
        Assert.Empty(cleared.Attributes);
        Assert.Empty(cleared.Tags);
        Assert.Equal(cleared.Identities[0].Value, cleared.DisplayName);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_StaleIfMatch_Returns409AndChangesNothing(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = await agent.Http.CreateCustomerAsync("Original");
        await agent.Http.PatchJsonAsync($"{Api.Customers}/{created.Id}", new { name = "First" }, ifMatch: "\"1\"").ExpectAsync(HttpStatusCode.OK);

        await agent.Http.PatchJsonAsync($"{Api.Customers}/{created.Id}", new { name = "Second" }, ifMatch: "\"1\"").ProblemAsync(HttpStatusCode.Conflict);

        var stored = await agent.Http.GetCustomerAsync(created.Id);
        Assert.Equal("First", stored.Name);
        Assert.Equal(2, stored.Version);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_InvalidOrUnknown_Returns400Or404(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = await agent.Http.CreateCustomerAsync("Valid");
        var url = $"{Api.Customers}/{created.Id}";

        (await agent.Http.PatchJsonAsync(url, """{"tags":null}""").ProblemAsync(HttpStatusCode.BadRequest)).Field("tags");
        (await agent.Http.PatchJsonAsync(url, """{"attributes":null}""").ProblemAsync(HttpStatusCode.BadRequest)).Field("attributes");
        (await agent.Http.PatchJsonAsync(url, new { language = new string('l', 17) }).ProblemAsync(HttpStatusCode.BadRequest)).Field("language");
        (await agent.Http.PatchJsonAsync(url, new { attributes = new Dictionary<string, string> { ["plan"] = "a", [" plan "] = "b" } })
            .ProblemAsync(HttpStatusCode.BadRequest)).Field("attributes");
        await agent.Http.PatchJsonAsync($"{Api.Customers}/{Guid.NewGuid()}", new { name = "x" }).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(1, (await agent.Http.GetCustomerAsync(created.Id)).Version);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_SearchInChineseAndEnglish_MatchesNameAndIdentities(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var marker = ChineseMarker();
        var chinese = await agent.Http.CreateCustomerAsync($"王{marker}明");
        var english = await agent.Http.CreateCustomerAsync($"Jane Doe {marker}");
        var local = "jane.roe." + Unique.Id();
        var byEmail = await agent.Http.CreateCustomerAsync(null, new NewIdentity(IdentityKind.Email, null, $"{local}@example.com"));

        Assert.Equal([chinese.Id], Ids(await agent.Http.ListCustomersAsync($"q={Api.Q(marker + "明")}")));
        Assert.Equal([english.Id, chinese.Id], Ids(await agent.Http.ListCustomersAsync($"q={Api.Q(marker)}")));
        Assert.Equal([english.Id], Ids(await agent.Http.ListCustomersAsync($"q={Api.Q("JANE DOE " + marker)}")));
        Assert.Equal([byEmail.Id], Ids(await agent.Http.ListCustomersAsync($"q={Api.Q(local.ToUpperInvariant())}")));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_ExactIdentity_FindsByNormalisedKindAndValue(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var email = Api.Email();
        var digits = "1" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);
        var external = "ext-" + Unique.Id();
        var customer = await agent.Http.CreateCustomerAsync("Exact",
            new NewIdentity(IdentityKind.Email, null, email), new NewIdentity(IdentityKind.Phone, null, "+86" + digits),
            new NewIdentity(IdentityKind.External, "shop", external));

        Assert.Equal([customer.Id], Ids(await agent.Http.ListCustomersAsync($"kind=email&value={Api.Q(email.ToUpperInvariant())}")));
        Assert.Equal([customer.Id], Ids(await agent.Http.ListCustomersAsync($"kind=phone&value={Api.Q($"+86 {digits[..3]} {digits[3..]}")}")));
        Assert.Equal([customer.Id], Ids(await agent.Http.ListCustomersAsync($"kind=external&source=SHOP&value={external}")));
        Assert.Empty((await agent.Http.ListCustomersAsync($"kind=external&source=other&value={external}")).Items);
        Assert.Empty((await agent.Http.ListCustomersAsync($"kind=phone&value={Api.Q(digits)}")).Items);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_InvalidParameters_Returns400NamingThem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        (await agent.Http.GetAsync($"{Api.Customers}?kind=fax&value=1").ProblemAsync(HttpStatusCode.BadRequest)).Field("kind");
        (await agent.Http.GetAsync($"{Api.Customers}?kind=email").ProblemAsync(HttpStatusCode.BadRequest)).Field("value");
        (await agent.Http.GetAsync($"{Api.Customers}?kind=email&value=nope").ProblemAsync(HttpStatusCode.BadRequest)).Field("value");
        (await agent.Http.GetAsync($"{Api.Customers}?limit=0").ProblemAsync(HttpStatusCode.BadRequest)).Field("limit");
        (await agent.Http.GetAsync($"{Api.Customers}?cursor=garbage").ProblemAsync(HttpStatusCode.BadRequest)).Field("cursor");
        (await agent.Http.GetAsync($"{Api.Customers}?q={new string('q', 201)}").ProblemAsync(HttpStatusCode.BadRequest)).Field("q");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_KeysetPages_CoverEveryCustomerOnceInOrder(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var marker = "pager" + Unique.Id();
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await agent.Http.CreateCustomerAsync($"{marker} {i}")).Id);
        }

        var seen = await PageAllAsync(agent.Http, $"q={marker}&limit=2");

        Assert.Equal(ids.AsEnumerable().Reverse(), seen);
    }

    /// <summary>Regression: the customer cursor held only UpdatedAt, so customers sharing the last timestamp of a page were skipped.</summary>
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_CustomersWithEqualUpdatedAt_AreNotSkippedAcrossPages(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var marker = "tie" + Unique.Id();
        var at = new DateTimeOffset(2024, 5, 18, 8, 30, 0, TimeSpan.Zero).AddTicks(Random.Shared.Next(0, 1_000_000) * 10);
        var ids = await app.DbAsync(async d =>
        {
            var created = Enumerable.Range(0, 7).Select(i => Customer.Create(Guid.CreateVersion7(), $"{marker} {i}", null, null, null, at).Value).ToList();
            d.Customers.AddRange(created);
            await d.SaveChangesAsync();
            return created.Select(c => c.Id).ToHashSet();
        });

        var seen = await PageAllAsync(agent.Http, $"q={marker}&limit=3");

        Assert.Equal(7, seen.Count);
        Assert.Equal(ids.Order(), seen.Order());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_MergedCustomers_AreLeftOut(string db)
    {
        var app = await AppAsync(db);
        var supervisor = await app.CreateAgentAsync(AgentRole.Supervisor);
        var marker = "merged" + Unique.Id();
        var source = await supervisor.Http.CreateCustomerAsync($"{marker} source");
        var target = await supervisor.Http.CreateCustomerAsync($"{marker} target");
        await supervisor.Http.PostJsonAsync($"{Api.Customers}/{source.Id}/merge", new { targetId = target.Id }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([target.Id], Ids(await supervisor.Http.ListCustomersAsync($"q={marker}")));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task AddIdentity_New_AddsItAndOwnedElsewhere_Returns409(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var customer = await agent.Http.CreateCustomerAsync("Identities");
        var other = await agent.Http.CreateCustomerAsync("Other");
        var email = Api.Email();
        var url = $"{Api.Customers}/{customer.Id}/identities";

        var added = await agent.Http.PostJsonAsync(url, new { kind = "email", value = email.ToUpperInvariant() }).ReadAsync<CustomerDto>(HttpStatusCode.OK);
        var again = await agent.Http.PostJsonAsync(url, new { kind = "email", value = email }).ReadAsync<CustomerDto>(HttpStatusCode.OK);
        var taken = await agent.Http.PostJsonAsync($"{Api.Customers}/{other.Id}/identities", new { kind = "email", value = email }).ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains(added.Identities, i => i.Value == email);
        Assert.Equal(2, added.Identities.Count);
        Assert.Equal(added.Version, again.Version);
        Assert.Contains(customer.Id.ToString(), taken.Detail);
        Assert.Single((await agent.Http.GetCustomerAsync(other.Id)).Identities);
        (await agent.Http.PostJsonAsync(url, new { kind = "phone", value = "abc" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("value");
        (await agent.Http.PostJsonAsync(url, new { value = "x@y.z" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("kind");
        await agent.Http.PostJsonAsync($"{Api.Customers}/{Guid.NewGuid()}/identities", new { kind = "email", value = Api.Email() }).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task RemoveIdentity_Existing_RemovesItAndFreesTheValue(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var email = Api.Email();
        var customer = await agent.Http.CreateCustomerAsync("Remove", new NewIdentity(IdentityKind.Email, null, email), new NewIdentity(IdentityKind.Email, null, Api.Email()));
        var identity = customer.Identities.Single(i => i.Value == email);

        var removed = await agent.Http.DeleteAsync($"{Api.Customers}/{customer.Id}/identities/{identity.Id}").ReadAsync<CustomerDto>(HttpStatusCode.OK);

        Assert.DoesNotContain(removed.Identities, i => i.Value == email);
        Assert.Single((await agent.Http.GetCustomerAsync(customer.Id)).Identities);
        await agent.Http.DeleteAsync($"{Api.Customers}/{customer.Id}/identities/{identity.Id}").ProblemAsync(HttpStatusCode.NotFound);
        await agent.Http.DeleteAsync($"{Api.Customers}/{Guid.NewGuid()}/identities/{identity.Id}").ProblemAsync(HttpStatusCode.NotFound);
        var reused = await agent.Http.CreateCustomerAsync("Reuse", new NewIdentity(IdentityKind.Email, null, email));
        Assert.Equal(email, Assert.Single(reused.Identities).Value);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Merge_AsSupervisor_MovesIdentitiesAndConversations(string db)
    {
        var app = await AppAsync(db);
        var supervisor = await app.CreateAgentAsync(AgentRole.Supervisor);
        var sourceEmail = Api.Email();
        var source = await supervisor.Http.PostJsonAsync(Api.Customers, new
        {
            name = "Source",
            attributes = new Dictionary<string, string> { ["plan"] = "gold", ["city"] = "Hangzhou" },
            tags = new[] { "from-source" },
            identities = new[] { new { kind = "email", value = sourceEmail } },
        }).ReadAsync<CustomerDto>(HttpStatusCode.Created);
        var target = await supervisor.Http.PostJsonAsync(Api.Customers, new
        {
            name = "Target",
            attributes = new Dictionary<string, string> { ["plan"] = "free" },
            identities = new[] { new { kind = "phone", value = "+86" + Random.Shared.NextInt64(10_000_000_000, 19_999_999_999) } },
        }).ReadAsync<CustomerDto>(HttpStatusCode.Created);
        var conversation = (await supervisor.Http.CreateConversationAsync(Api.NewConversation(customerId: source.Id))).Conversation;

        var merged = await supervisor.Http.PostJsonAsync($"{Api.Customers}/{source.Id}/merge", new { targetId = target.Id })
            .ReadAsync<CustomerDto>(HttpStatusCode.OK);

        Assert.Equal(target.Id, merged.Id);
        Assert.Equal("Target", merged.Name);
        Assert.Equal(new Dictionary<string, string> { ["plan"] = "free", ["city"] = "Hangzhou" }, merged.Attributes);
        Assert.Contains("from-source", merged.Tags);
        Assert.Equal(2, merged.Identities.Count);
        var storedTarget = await supervisor.Http.GetCustomerAsync(target.Id);
        Assert.Contains(storedTarget.Identities, i => i.Value == sourceEmail);
        var storedSource = await supervisor.Http.GetCustomerAsync(source.Id);
        Assert.Equal(target.Id, storedSource.MergedIntoId);
        Assert.Empty(storedSource.Identities);
        Assert.Equal(target.Id, (await supervisor.Http.GetConversationAsync(conversation.Id)).Conversation.CustomerId);
        Assert.Equal([conversation.Id], (await supervisor.Http.GetAsync($"{Api.Customers}/{target.Id}/conversations")
            .ReadAsync<Page<ConversationDto>>(HttpStatusCode.OK)).Items.Select(c => c.Id));

        // The source's identity now leads to the target; a new conversation by it lands there.
        var next = (await supervisor.Http.CreateConversationAsync(Api.NewConversation(email: sourceEmail))).Conversation;
        Assert.Equal(target.Id, next.CustomerId);
        await supervisor.Http.PostJsonAsync($"{Api.Customers}/{source.Id}/merge", new { targetId = target.Id }).ProblemAsync(HttpStatusCode.Conflict);
        await supervisor.Http.PatchJsonAsync($"{Api.Customers}/{source.Id}", new { name = "x" }).ProblemAsync(HttpStatusCode.Conflict);
        await supervisor.Http.PostJsonAsync($"{Api.Customers}/{source.Id}/identities", new { kind = "email", value = Api.Email() }).ProblemAsync(HttpStatusCode.Conflict);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Merge_ConversationByMergedCustomerId_LandsOnTheTarget(string db)
    {
        var app = await AppAsync(db);
        var supervisor = await app.CreateAgentAsync(AgentRole.Supervisor);
        var source = await supervisor.Http.CreateCustomerAsync("Source");
        var target = await supervisor.Http.CreateCustomerAsync("Target");
        await supervisor.Http.PostJsonAsync($"{Api.Customers}/{source.Id}/merge", new { targetId = target.Id }).ExpectAsync(HttpStatusCode.OK);

        var created = (await supervisor.Http.CreateConversationAsync(Api.NewConversation(customerId: source.Id))).Conversation;

        Assert.Equal(target.Id, created.CustomerId);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Merge_AsAgent_Returns403AndChangesNothing(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync(AgentRole.Agent);
        var source = await agent.Http.CreateCustomerAsync("Source");
        var target = await agent.Http.CreateCustomerAsync("Target");

        await agent.Http.PostJsonAsync($"{Api.Customers}/{source.Id}/merge", new { targetId = target.Id }).ProblemAsync(HttpStatusCode.Forbidden);

        Assert.Null((await agent.Http.GetCustomerAsync(source.Id)).MergedIntoId);
        Assert.Single((await agent.Http.GetCustomerAsync(source.Id)).Identities);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Merge_InvalidTarget_Returns400Or404(string db)
    {
        var app = await AppAsync(db);
        var supervisor = await app.CreateAgentAsync(AgentRole.Supervisor);
        var source = await supervisor.Http.CreateCustomerAsync("Source");
        var url = $"{Api.Customers}/{source.Id}/merge";

        (await supervisor.Http.PostJsonAsync(url, "{}").ProblemAsync(HttpStatusCode.BadRequest)).Field("targetId");
        (await supervisor.Http.PostJsonAsync(url, new { targetId = source.Id }).ProblemAsync(HttpStatusCode.BadRequest)).Field("targetId");
        (await supervisor.Http.PostJsonAsync(url, new { targetId = Guid.NewGuid() }).ProblemAsync(HttpStatusCode.BadRequest)).Field("targetId");
        await supervisor.Http.PostJsonAsync($"{Api.Customers}/{Guid.NewGuid()}/merge", new { targetId = source.Id }).ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Conversations_OfACustomer_SpanEveryChannelNewestFirst(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var email = Api.Email();
        var chat = (await agent.Http.CreateConversationAsync(Api.NewConversation(email: email, channel: Channel.Chat))).Conversation;
        var mail = (await agent.Http.CreateConversationAsync(Api.NewConversation(email: email, channel: Channel.Email))).Conversation;
        var phone = (await agent.Http.CreateConversationAsync(Api.NewConversation(customerId: chat.CustomerId, channel: Channel.Phone))).Conversation;
        await agent.Http.CreateConversationAsync(Api.NewConversation(channel: Channel.Chat));

        var first = await agent.Http.GetAsync($"{Api.Customers}/{chat.CustomerId}/conversations?limit=2").ReadAsync<Page<ConversationDto>>(HttpStatusCode.OK);
        var rest = await agent.Http.GetAsync($"{Api.Customers}/{chat.CustomerId}/conversations?limit=2&cursor={Api.Q(first.NextCursor!)}")
            .ReadAsync<Page<ConversationDto>>(HttpStatusCode.OK);

        Assert.Equal([phone.Id, mail.Id, chat.Id], first.Items.Concat(rest.Items).Select(c => c.Id));
        Assert.Equal([Channel.Phone, Channel.Email, Channel.Chat], first.Items.Concat(rest.Items).Select(c => c.Channel));
        Assert.Null(rest.NextCursor);
        await agent.Http.GetAsync($"{Api.Customers}/{Guid.NewGuid()}/conversations").ProblemAsync(HttpStatusCode.NotFound);
        (await agent.Http.GetAsync($"{Api.Customers}/{chat.CustomerId}/conversations?cursor=bad").ProblemAsync(HttpStatusCode.BadRequest)).Field("cursor");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Activity_OfACustomer_RecordsCreateUpdateAndIdentities(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var customer = await agent.Http.CreateCustomerAsync("Before");
        await agent.Http.PatchJsonAsync($"{Api.Customers}/{customer.Id}", new { name = "After", attributes = new Dictionary<string, string> { ["tier"] = "1" } })
            .ExpectAsync(HttpStatusCode.OK);
        var email = Api.Email();
        await agent.Http.PostJsonAsync($"{Api.Customers}/{customer.Id}/identities", new { kind = "email", value = email }).ExpectAsync(HttpStatusCode.OK);

        var activity = await agent.Http.ActivityAsync($"{Api.Customers}/{customer.Id}/activity");

        Assert.Equal("created", activity[0].Action);
        Assert.Contains(activity, a => a is { Action: "updated", Field: "name", Before: "Before", After: "After" });
        Assert.Contains(activity, a => a is { Action: "updated", Field: "attributes.tier", Before: null, After: "1" });
        Assert.Contains(activity, a => a.Action == "identity_added" && a.After == $"email:{email}");
        Assert.All(activity, a => Assert.Equal(agent.Id, a.ActorId));
        await agent.Http.GetAsync($"{Api.Customers}/{Guid.NewGuid()}/activity").ProblemAsync(HttpStatusCode.NotFound);
    }

    private static async Task<List<Guid>> PageAllAsync(HttpClient http, string query)
    {
        var seen = new List<Guid>();
        string? cursor = null;
        for (var pages = 0; pages < 20; pages++)
        {
            var page = await http.ListCustomersAsync(query + (cursor is null ? "" : $"&cursor={Api.Q(cursor)}"));
            seen.AddRange(page.Items.Select(c => c.Id));
            cursor = page.NextCursor;
            if (cursor is null)
            {
                break;
            }
        }

        return seen;
    }

    /// <summary>Eight random CJK characters, so a Chinese search matches only this test's data.</summary>
    private static string ChineseMarker() =>
        string.Concat(Guid.NewGuid().ToString("N")[..8].Select(h => "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳"[Convert.ToInt32(h.ToString(), 16)]));

    private static List<Guid> Ids(Page<CustomerDto> page) => page.Items.Select(c => c.Id).ToList();

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_ChineseAttributes_StoredReadableAndReadBack(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var created = await agent.Http.PostJsonAsync(Api.Customers, new { name = "王丽", attributes = new Dictionary<string, string> { ["会员等级"] = "金卡" } })
            .ReadAsync<CustomerDto>(System.Net.HttpStatusCode.Created);

        var raw = await app.DbAsync(d => d.Database
            .SqlQuery<string>($"""SELECT "Attributes" AS "Value" FROM "Customers" WHERE "Id" = {created.Id}""").SingleAsync());

        Assert.Contains("会员等级", raw);
        Assert.Equal("金卡", (await agent.Http.GetCustomerAsync(created.Id)).Attributes["会员等级"]);
    }
}
