using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Customers;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Tests.Conversations;

public sealed class ConversationCreateTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_NewCustomerIdentity_CreatesCustomerAndConversation(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var email = Api.Email();

        var response = await agent.Http.PostJsonAsync(Api.Conversations, Api.NewConversation(
            email: "  " + email.ToUpperInvariant(), text: "My order has not arrived.", channel: Channel.Email, customerName: "Ada Lovelace"));

        var created = await response.ReadAsync<ConversationDetail>(HttpStatusCode.Created);
        var c = created.Conversation;
        Assert.Equal($"/api/v1/conversations/{c.Id}", response.Headers.Location?.OriginalString);
        Assert.True(c.Number >= Conversation.FirstNumber);
        Assert.Equal($"#{c.Number}", c.Display);
        Assert.Equal(Channel.Email, c.Channel);
        Assert.Equal(ConversationStatus.New, c.Status);
        Assert.Equal(Priority.Normal, c.Priority);
        Assert.Equal("My order has not arrived.", c.Subject);
        Assert.Equal("Ada Lovelace", c.CustomerName);
        Assert.Equal(1, c.MessageCount);
        Assert.True(c.Version >= 1);
        var message = Assert.Single(created.Messages);
        Assert.Equal(MessageKind.Inbound, message.Kind);
        Assert.Equal(AuthorKind.Customer, message.AuthorKind);
        Assert.Equal(c.CustomerId, message.AuthorId);
        Assert.Equal("My order has not arrived.", message.Text);

        var customer = await agent.Http.GetCustomerAsync(c.CustomerId);
        Assert.Equal("Ada Lovelace", customer.Name);
        var identity = Assert.Single(customer.Identities);
        Assert.Equal(IdentityKind.Email, identity.Kind);
        Assert.Equal(email, identity.Value);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_KnownCustomerIdentity_ReusesTheCustomer(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var email = Api.Email();

        var first = await agent.Http.CreateConversationAsync(Api.NewConversation(email: email, channel: Channel.Chat));
        var second = await agent.Http.CreateConversationAsync(Api.NewConversation(email: email.ToUpperInvariant(), channel: Channel.Email));

        Assert.Equal(first.Conversation.CustomerId, second.Conversation.CustomerId);
        Assert.NotEqual(first.Conversation.Number, second.Conversation.Number);
        var customer = await agent.Http.GetCustomerAsync(first.Conversation.CustomerId);
        Assert.Single(customer.Identities);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_ByCustomerId_UsesThatCustomer(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var customer = await agent.Http.CreateCustomerAsync("Grace Hopper");

        var created = await agent.Http.CreateConversationAsync(Api.NewConversation(customerId: customer.Id, channel: Channel.Phone));

        Assert.Equal(customer.Id, created.Conversation.CustomerId);
        Assert.Equal("Grace Hopper", created.Conversation.CustomerName);
        Assert.Equal(Channel.Phone, created.Conversation.Channel);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_UnknownCustomerId_Returns400NamingCustomerId(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        var problem = await agent.Http.PostJsonAsync(Api.Conversations, Api.NewConversation(customerId: Guid.NewGuid()))
            .ProblemAsync(HttpStatusCode.BadRequest);

        problem.Field("customerId");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_WithReferencesPriorityAndTags_StoresThem(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var agent = await app.CreateAgentAsync();
        var team = await admin.Http.PostJsonAsync(Api.Teams, new { name = "Team " + Unique.Id() }).ReadAsync<Features.Admin.TeamDto>(HttpStatusCode.Created);
        var category = (await agent.Http.GetAsync(Api.Categories).ReadAsync<List<Features.Admin.CategoryDto>>(HttpStatusCode.OK)).First(c => c.Key == "order_status");
        var tag = Api.Tag();

        var created = await agent.Http.CreateConversationAsync(Api.NewConversation(
            subject: "  Where is parcel 42?  ", tags: [tag.ToUpperInvariant(), " " + tag, "Shipping"], priority: Priority.Urgent,
            assigneeId: agent.Id, teamId: team.Id, categoryId: category.Id));

        var c = (await agent.Http.GetConversationAsync(created.Conversation.Id)).Conversation;
        Assert.Equal("Where is parcel 42?", c.Subject);
        Assert.Equal([tag, "shipping"], c.Tags);
        Assert.Equal(Priority.Urgent, c.Priority);
        Assert.Equal(agent.Id, c.AssigneeId);
        Assert.Equal(team.Id, c.TeamId);
        Assert.Equal(category.Id, c.CategoryId);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_UnknownIdsInBody_Returns400NamingEachField(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        var problem = await agent.Http.PostJsonAsync(Api.Conversations, Api.NewConversation(
            assigneeId: Guid.NewGuid(), teamId: Guid.NewGuid(), categoryId: Guid.NewGuid())).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["assigneeId", "categoryId", "teamId"], problem.Fields.Order());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_DeactivatedAssignee_Returns400NamingAssigneeId(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var gone = await app.CreateAgentAsync();
        await admin.Http.DeleteAsync($"{Api.Agents}/{gone.Id}").ExpectAsync(HttpStatusCode.NoContent);

        var problem = await admin.Http.PostJsonAsync(Api.Conversations, Api.NewConversation(assigneeId: gone.Id)).ProblemAsync(HttpStatusCode.BadRequest);

        problem.Field("assigneeId");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_MissingRequiredFields_Returns400NamingThem(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        var problem = await agent.Http.PostJsonAsync(Api.Conversations, "{}").ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(["channel", "customer", "message"], problem.Fields.Order());
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_BothCustomerAndCustomerId_Returns400NamingCustomer(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var customer = await agent.Http.CreateCustomerAsync();
        var request = Api.NewConversation() with { CustomerId = customer.Id };

        var problem = await agent.Http.PostJsonAsync(Api.Conversations, request).ProblemAsync(HttpStatusCode.BadRequest);

        problem.Field("customer");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_OversizedSubjectOrText_Returns400NamingTheField(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        var subject = await agent.Http.PostJsonAsync(Api.Conversations, Api.NewConversation(subject: new string('s', 301)))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var text = await agent.Http.PostJsonAsync(Api.Conversations, Api.NewConversation(text: new string('t', 65_537)))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("300", Assert.Single(subject.Field("subject")));
        Assert.Contains("65536", Assert.Single(text.Field("message.text")));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_InvalidMessageForNewCustomer_WritesNothing(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var email = Api.Email();
        var tag = Api.Tag();

        var problem = await agent.Http.PostJsonAsync(Api.Conversations, Api.NewConversation(email: email, text: "   ", tags: [tag]))
            .ProblemAsync(HttpStatusCode.BadRequest);

        problem.Field("message.text");
        Assert.Empty((await agent.Http.ListCustomersAsync($"kind=email&value={Api.Q(email)}")).Items);
        Assert.Empty((await agent.Http.ListConversationsAsync($"tag={tag}")).Items);
        Assert.False(await app.DbAsync(d => d.CustomerIdentities.AnyAsync(i => i.Value == email)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_OversizedSubjectForNewCustomer_WritesNothing(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var email = Api.Email();

        await agent.Http.PostJsonAsync(Api.Conversations, Api.NewConversation(email: email, subject: new string('s', 301)))
            .ProblemAsync(HttpStatusCode.BadRequest);

        Assert.False(await app.DbAsync(d => d.CustomerIdentities.AnyAsync(i => i.Value == email)));
        Assert.False(await app.DbAsync(d => d.Customers.AnyAsync(c => c.Identities.Any(i => i.Value == email))));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_ReplayedClientMessageId_Returns200WithTheSameConversation(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var request = Api.NewConversation(clientMessageId: "cm-" + Unique.Id());

        var first = await agent.Http.PostJsonAsync(Api.Conversations, request).ReadAsync<ConversationDetail>(HttpStatusCode.Created);
        var replay = await agent.Http.PostJsonAsync(Api.Conversations, request with { Subject = "changed on retry" })
            .ReadAsync<ConversationDetail>(HttpStatusCode.OK);

        Assert.Equal(first.Conversation.Id, replay.Conversation.Id);
        Assert.Equal(first.Conversation.Number, replay.Conversation.Number);
        Assert.Equal(first.Messages.Single().Id, Assert.Single(replay.Messages).Id);
        var clientId = request.Message!.ClientMessageId;
        Assert.Equal(1, await app.DbAsync(d => d.Messages.CountAsync(m => m.ClientMessageId == clientId)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_ParallelRetriesWithTheSameClientMessageId_MakeOneConversation(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var request = Api.NewConversation(clientMessageId: "cm-" + Unique.Id());

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => agent.Http.PostJsonAsync(Api.Conversations, request)));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var details = await Task.WhenAll(responses.Select(r => r.ReadAsync<ConversationDetail>(r.StatusCode)));
        Assert.Single(details.Select(d => d.Conversation.Id).Distinct());
        var clientId = request.Message!.ClientMessageId;
        Assert.Equal(1, await app.DbAsync(d => d.Messages.CountAsync(m => m.ClientMessageId == clientId)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_TwentyInParallel_GetTwentyDistinctNumbers(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var tag = Api.Tag();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            agent.Http.PostJsonAsync(Api.Conversations, Api.NewConversation(text: $"parallel {i}", tags: [tag]))));

        var created = await Task.WhenAll(responses.Select(r => r.ReadAsync<ConversationDetail>(HttpStatusCode.Created)));
        Assert.Equal(20, created.Select(c => c.Conversation.Number).Distinct().Count());
        Assert.Equal(20, (await agent.Http.ListConversationsAsync($"tag={tag}&limit=100")).Items.Count);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_SameNewCustomerInParallel_MakesOneCustomer(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var email = Api.Email();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            agent.Http.PostJsonAsync(Api.Conversations, Api.NewConversation(email: email, text: $"race {i}"))));

        var created = await Task.WhenAll(responses.Select(r => r.ReadAsync<ConversationDetail>(HttpStatusCode.Created)));
        Assert.Single(created.Select(c => c.Conversation.CustomerId).Distinct());
        Assert.Equal(1, await app.DbAsync(d => d.CustomerIdentities.CountAsync(i => i.Value == email)));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_OutboundFirstMessage_IsWrittenByTheAgent(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        var created = await agent.Http.CreateConversationAsync(Api.NewConversation(kind: MessageKind.Outbound, text: "We noticed a problem with your order."));

        var message = Assert.Single(created.Messages);
        Assert.Equal(AuthorKind.Agent, message.AuthorKind);
        Assert.Equal(agent.Id, message.AuthorId);
        Assert.Equal(ConversationStatus.Open, created.Conversation.Status);
        Assert.NotNull(created.Conversation.FirstResponseAt);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_PhoneIdentity_IsNormalised(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();
        var digits = "1" + Random.Shared.NextInt64(1_000_000_000, 9_999_999_999);
        var request = Api.NewConversation(channel: Channel.Phone) with
        {
            Customer = new CustomerRef(IdentityKind.Phone, null, $"+86 {digits[..3]}-{digits[3..7]} {digits[7..]}", null, null),
        };

        var created = await agent.Http.CreateConversationAsync(request);

        var customer = await agent.Http.GetCustomerAsync(created.Conversation.CustomerId);
        Assert.Equal("+86" + digits, Assert.Single(customer.Identities).Value);
        Assert.Equal("+86" + digits, created.Conversation.CustomerName);
    }
}
