using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Kefu.Core.Agents;
using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Data;
using Kefu.Server.Features.Admin;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Customers;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Demo;

/// <summary>
/// <c>seed --demo</c>: a living help desk for newcomers — teams, agents, customers and two weeks of conversations on
/// every channel. Everything goes through the same commands as the API, with <c>now</c> set to the moment each step
/// happened, so statuses, first responses, resolution times and the activity trail are what real use would leave.
/// Content is deterministic (seeded <see cref="Random"/>); only the agents' one-time password and the dates differ.
/// </summary>
public static class DemoSeeder
{
    private const string AgentSuffix = "@" + DemoData.Domain;

    private static readonly Actor Seed = new(ActorKind.System, null, "demo seed");
    private static readonly Actor Automation = new(ActorKind.System, null, "automation");
    private static readonly Actor Bot = new(ActorKind.Bot, null, "Kefu bot");
    private static readonly TimeSpan Beijing = TimeSpan.FromHours(8);

    public static async Task<string> SeedAsync(IServiceProvider services, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var db = sp.GetRequiredService<KefuDbContext>();
        var now = sp.GetRequiredService<TimeProvider>().GetUtcNow();

        var teamNames = DemoData.Teams.Select(t => t.Name).ToList();
        var existingAgents = await db.Agents.AsNoTracking().Where(a => a.Email.EndsWith(AgentSuffix)).Select(a => a.Email).OrderBy(e => e).ToListAsync(ct);
        if (existingAgents.Count > 0 || await db.Teams.AnyAsync(t => teamNames.Contains(t.Name), ct))
        {
            return $"the demo data is already there ({existingAgents.Count} demo agents under @{DemoData.Domain}); nothing was added. "
                + "Use a fresh Database:DataDirectory (or database) to seed it again. Demo agents: "
                + (existingAgents.Count > 0 ? string.Join(", ", existingAgents) : "none") + ".";
        }

        // One connection for the whole run: SQLite skips its per-open pragmas, and PostgreSQL does not wait for the
        // disk at each of the ~600 small commits (demo data: a crash loses at most the last steps, and a fresh
        // database is seeded again in seconds).
        await db.Database.OpenConnectionAsync(ct);
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync("SET synchronous_commit TO OFF", ct);
        }

        var rng = new Random(42);
        var seeder = new Run(db, rng, now);
        var teams = await seeder.CreateTeamsAsync(ct);
        var password = AgentAccounts.OneTimePassword();
        var agents = await seeder.CreateAgentsAsync(sp.GetRequiredService<AgentAccounts>(), sp.GetRequiredService<UserManager<KefuUser>>(), teams, password, ct);
        var customers = await seeder.CreateCustomersAsync(ct);
        var categories = await db.Categories.AsNoTracking().Where(c => c.IsActive).ToDictionaryAsync(c => c.Key, c => c.Id, ct);

        var plans = seeder.Plan(teams, agents, customers, categories);
        var ids = new List<Guid>();
        foreach (var plan in plans.OrderBy(p => p.Start))
        {
            ids.Add(await seeder.ExecuteAsync(plan, ct));
            db.ChangeTracker.Clear();
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        return await SummaryAsync(db, ids, teams, agents, password, plans, elapsed, ct);
    }

    private static async Task<string> SummaryAsync(
        KefuDbContext db, List<Guid> ids, Dictionary<string, Guid> teams, List<AgentRow> agents, string password, List<Plan> plans,
        TimeSpan elapsed, CancellationToken ct)
    {
        var conversations = await db.Conversations.AsNoTracking().Where(c => ids.Contains(c.Id))
            .Select(c => new { c.Status, c.Channel, c.Priority }).ToListAsync(ct);
        var messages = await db.Messages.AsNoTracking().Where(m => ids.Contains(m.ConversationId))
            .GroupBy(m => new { m.Kind, m.AuthorKind }).Select(g => new { g.Key.Kind, g.Key.AuthorKind, Count = g.Count() }).ToListAsync(ct);
        var imported = DemoData.Customers.Length;
        var metOnChannel = plans.Count(p => p.Customer is null || p.IsDuplicate);
        var merged = plans.Count(p => p.IsDuplicate);

        string Count<T>(IEnumerable<T> values, Func<T, string> name) where T : struct, Enum =>
            string.Join(" · ", Enum.GetValues<T>().Select(v => $"{name(v)} {values.Count(x => x.Equals(v))}"));

        var teamNames = DemoData.Teams.ToDictionary(t => t.Key, t => t.Name);
        var s = new StringBuilder();
        s.AppendLine($"demo data seeded in {elapsed.TotalSeconds:0.0} s.");
        s.AppendLine($"  {teams.Count} teams, {agents.Count} agents, {imported + metOnChannel} customers ({imported} imported, {metOnChannel} first met on a channel, "
            + $"{merged} of them merged into an existing profile), {conversations.Count} conversations over the last 14 days.");
        s.AppendLine($"  status:   {Count(conversations.Select(c => c.Status), v => v.Wire())}");
        s.AppendLine($"  channel:  {Count(conversations.Select(c => c.Channel), v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString()))}");
        s.AppendLine($"  priority: {Count(conversations.Select(c => c.Priority), v => v.ToString().ToLowerInvariant())}");
        s.AppendLine($"  messages: {messages.Sum(m => m.Count)} (customer {Sum(MessageKind.Inbound)}, agent replies {Sum(MessageKind.Outbound, AuthorKind.Agent)}, "
            + $"bot {Sum(MessageKind.Outbound, AuthorKind.Bot)}, internal notes {Sum(MessageKind.Note)})");
        s.AppendLine();
        s.AppendLine("  Demo agents: sign in with this one-time password (shown only now); each must choose a new one at the first sign-in.");
        s.AppendLine($"    password: {password}");
        foreach (var a in agents)
        {
            s.AppendLine($"    {a.Data.Email,-30} {a.Data.Name} ({a.Data.Role.Wire()}; {string.Join(", ", a.Data.Teams.Select(k => teamNames[k]))})");
        }

        return s.ToString().TrimEnd();

        int Sum(MessageKind kind, AuthorKind? author = null) =>
            messages.Where(m => m.Kind == kind && (author is null || m.AuthorKind == author)).Sum(m => m.Count);
    }

    private sealed record AgentRow(DemoAgent Data, Guid Id)
    {
        public Actor Actor => Actor.Agent(Id, Data.Name);
    }

    private sealed record CustomerRow(DemoCustomer Data, Guid Id, string Email, string? Phone, string? VisitorId, string? WeChat)
    {
        public bool Vip => Data.Tags.Contains("vip");
    }

    private enum Mode
    {
        New,
        Open,
        Full,
    }

    private enum ActKind
    {
        Create,
        Message,
        Assign,
        Status,
        Transfer,
        Raise,
        TagCustomer,
        MergeDuplicate,
    }

    /// <summary>One thing that happens to a conversation, <see cref="At"/> after it started.</summary>
    private sealed record Act(ActKind Kind, TimeSpan At, Actor Actor)
    {
        public MessageKind Message { get; init; }

        public string Text { get; set; } = "";

        public Attachment? Attachment { get; init; }

        public string? ClientId { get; init; }

        public ConversationStatus Status { get; init; }

        public Guid? AssigneeId { get; init; }

        public Guid? TeamId { get; init; }

        public Priority Priority { get; init; }

        public string? AssigneeName { get; init; }

        public string? NextName { get; init; }
    }

    private sealed class Plan
    {
        public required Scenario Scenario { get; init; }

        /// <summary>Null for a visitor the shop did not know yet.</summary>
        public required CustomerRow? Customer { get; init; }

        public required Channel Channel { get; init; }

        public CustomerRef? Ref { get; set; }

        public Guid? TeamId { get; set; }

        public Guid? CategoryId { get; set; }

        public Priority Priority { get; set; }

        public List<string> Tags { get; set; } = [];

        public Guid? CreatorAssigneeId { get; set; }

        public List<Act> Acts { get; } = [];

        public DateTimeOffset Start { get; set; }

        public bool IsDuplicate { get; set; }
    }

    /// <summary>One seeding run: the random source, the clock reading and the database it writes to.</summary>
    private sealed class Run(KefuDbContext db, Random rng, DateTimeOffset now)
    {
        public async Task<Dictionary<string, Guid>> CreateTeamsAsync(CancellationToken ct)
        {
            var at = now.AddDays(-120);
            var teams = new Dictionary<string, Guid>();
            foreach (var t in DemoData.Teams)
            {
                var team = Team.Create(Guid.CreateVersion7(at), t.Name, t.Description, at).Value;
                db.Teams.Add(team);
                db.Activities.Add(ActivityEntry.Create(Seed, at, "team", team.Id, "created", new("name", null, team.Name)));
                teams[t.Key] = team.Id;
                at = at.AddMinutes(3);
            }

            await db.SaveChangesAsync(ct);
            return teams;
        }

        public async Task<List<AgentRow>> CreateAgentsAsync(
            AgentAccounts accounts, UserManager<KefuUser> users, Dictionary<string, Guid> teams, string password, CancellationToken ct)
        {
            var rows = new List<AgentRow>();
            var at = now.AddDays(-118);
            foreach (var a in DemoData.Agents)
            {
                var created = Ensure(await accounts.CreateAsync(Seed, at,
                    new CreateAgentRequest(a.Email, a.Name, a.Role, a.Teams.Select(k => teams[k]).ToList(), a.Language, password), ct), $"agent {a.Email}");
                // A password given by the caller is normally final; this shared one is a one-time password.
                var user = await users.FindByIdAsync(created.Agent.Id.ToString()) ?? throw new InvalidOperationException($"{a.Email} has no sign-in record.");
                user.MustChangePassword = true;
                var updated = await users.UpdateAsync(user);
                if (!updated.Succeeded)
                {
                    throw new InvalidOperationException($"Could not mark {a.Email}'s password as one-time: {string.Join(" ", updated.Errors.Select(e => e.Description))}");
                }

                rows.Add(new AgentRow(a, created.Agent.Id));
                at = at.AddDays(rng.Next(1, 9)).AddMinutes(rng.Next(0, 600));
            }

            db.ChangeTracker.Clear();
            return rows;
        }

        public async Task<List<CustomerRow>> CreateCustomersAsync(CancellationToken ct)
        {
            var rows = new List<CustomerRow>();
            string[] mailDomains = ["example.com", "example.net", "example.org"];
            string[] chinaCities = ["Shanghai", "Shenzhen", "Beijing"];
            for (var i = 0; i < DemoData.Customers.Length; i++)
            {
                var c = DemoData.Customers[i];
                var zh = c.Language == "zh-CN";
                var first = i == 0 || c.Name == "Michael Brown";
                var domain = zh || c.Company is null ? mailDomains[rng.Next(mailDomains.Length)] : CompanyDomain(c.Company);
                var email = $"{c.Email}@{domain}";
                var phone = zh || chinaCities.Contains(c.City)
                    ? $"+86 1{rng.Next(3, 10)}{rng.Next(0, 10)} {rng.Next(1000, 10000)} {rng.Next(1000, 10000)}"
                    : null;
                var visitor = first || rng.NextDouble() < 0.45 ? "v_" + Hex(6) : null;
                // 陈杰 (index 4) is met on WeChat without being recognised: the demo's duplicate to merge.
                var wantsWeChat = rng.NextDouble() < 0.65;
                var weChat = zh && i != 4 && (first || wantsWeChat) ? "o" + Base64Id(27) : null;
                var since = rng.NextDouble() < 0.15 ? rng.Next(15, 20) : rng.Next(30, 720);

                var attributes = new Dictionary<string, string> { ["city"] = c.City };
                attributes[zh ? "会员等级" : "plan"] = c.Level;
                if (c.Company is not null)
                {
                    attributes["company"] = c.Company;
                }

                var tags = c.Tags.ToList();
                if (since < 20)
                {
                    tags.Add("new_customer");
                }

                List<NewIdentity> identities = [new(IdentityKind.Email, null, email)];
                if (phone is not null)
                {
                    identities.Add(new(IdentityKind.Phone, null, phone));
                }

                if (visitor is not null)
                {
                    identities.Add(new(IdentityKind.VisitorId, null, visitor));
                }

                if (weChat is not null)
                {
                    identities.Add(new(IdentityKind.External, "wechat", weChat));
                }

                var at = now.AddDays(-since).AddMinutes(rng.Next(0, 1440));
                var created = Ensure(await CustomerCommands.CreateAsync(db, Seed, at, new CreateCustomerRequest(c.Name, c.Language, attributes, tags, identities), ct), $"customer {c.Name}");
                var normalizedPhone = created.Identities.FirstOrDefault(x => x.Kind == IdentityKind.Phone)?.Value;
                rows.Add(new CustomerRow(c, created.Id, email, phone is null ? null : normalizedPhone, visitor, weChat));
            }

            db.ChangeTracker.Clear();
            return rows;
        }

        public List<Plan> Plan(Dictionary<string, Guid> teams, List<AgentRow> agents, List<CustomerRow> customers, Dictionary<string, Guid> categories)
        {
            var zhCustomers = customers.Where(c => c.Data.Language == "zh-CN").ToList();
            var enCustomers = customers.Where(c => c.Data.Language == "en").ToList();
            // The first customer of each language writes on several channels, so their timeline shows them all.
            Channel[] zhFirst = [Channel.Chat, Channel.Api, Channel.WebForm, Channel.Phone];
            Channel[] enFirst = [Channel.Chat, Channel.Email, Channel.WebForm];
            var plans = new List<Plan>();
            int zk = 0, ek = 0;
            bool anonymousDone = false, duplicateDone = false;
            for (var i = 0; i < 80; i++)
            {
                var english = i % 5 == 4;
                var k = english ? ek++ : zk++;
                var scenario = english ? DemoData.English[k % DemoData.English.Length] : DemoData.Chinese[k % DemoData.Chinese.Length];
                var firstCustomer = english ? k < enFirst.Length : k < zhFirst.Length;
                var customer = english
                    ? firstCustomer ? enCustomers[0] : enCustomers[1 + (k - enFirst.Length) % (enCustomers.Count - 1)]
                    : firstCustomer ? zhCustomers[0] : zhCustomers[1 + (k - zhFirst.Length) % (zhCustomers.Count - 1)];
                var pick = rng.Next(scenario.Channels.Length);
                var channel = firstCustomer ? (english ? enFirst[k] : zhFirst[k]) : scenario.Channels[pick];

                var roll = rng.NextDouble();
                var mode = roll < 0.16 ? Mode.New : roll < 0.36 ? Mode.Open : Mode.Full;
                if (mode == Mode.New && (channel == Channel.Phone || scenario.Steps[0].Kind != StepKind.In))
                {
                    mode = Mode.Open;
                }

                var anonymous = !anonymousDone && !english && !firstCustomer && scenario.Team == "presales" && scenario.Channels.Contains(Channel.Chat)
                    && !UsesCustomerDetails(scenario);
                var duplicate = !duplicateDone && !english && !firstCustomer && !customer.Vip && customer.WeChat is null && mode != Mode.New
                    && scenario.Channels.Contains(Channel.Api);
                anonymousDone |= anonymous;
                duplicateDone |= duplicate;
                plans.Add(PlanOne(scenario, anonymous ? null : customer, anonymous ? Channel.Chat : duplicate ? Channel.Api : channel, mode,
                    duplicate, teams, agents, categories));
            }

            return plans;
        }

        private Plan PlanOne(
            Scenario scenario, CustomerRow? customer, Channel channel, Mode mode, bool duplicate,
            Dictionary<string, Guid> teams, List<AgentRow> agents, Dictionary<string, Guid> categories)
        {
            var steps = mode switch
            {
                Mode.New => scenario.Steps.TakeWhile(s => s.Kind is StepKind.In or StepKind.Bot).ToList(),
                Mode.Open => OpenPrefix(scenario.Steps),
                Mode.Full => scenario.Steps.ToList(),
            };

            var vip = customer?.Vip == true;
            var teamKey = vip ? "vip" : scenario.Team;
            var assignee = mode == Mode.New ? null : PickAgent(agents, teamKey, scenario.Language, scenario.BySupervisor, null);
            var colleague = PickColleague(agents, teamKey, assignee);
            var priority = vip && scenario.Priority < Priority.Urgent ? scenario.Priority + 1 : scenario.Priority;
            var plan = new Plan
            {
                Scenario = scenario,
                Customer = customer,
                Channel = channel,
                IsDuplicate = duplicate,
                Priority = priority,
                // VIPs are routed to their fast lane at once; other new conversations may still wait for routing.
                TeamId = mode == Mode.New && !vip && rng.NextDouble() < 0.5 ? null : teams[teamKey],
                CategoryId = mode == Mode.New && rng.NextDouble() < 0.35 ? null : categories.TryGetValue(scenario.Category, out var category) ? category : null,
                Tags = vip ? [.. scenario.Tags, "vip"] : [.. scenario.Tags],
            };
            plan.Ref = Identify(plan, customer, duplicate);

            var values = Values(scenario, customer);
            values["colleague"] = colleague.Data.Name;
            var fast = channel is Channel.Chat or Channel.Phone or Channel.Api;
            var t = TimeSpan.Zero;
            var status = ConversationStatus.New;
            var current = priority;
            var assigned = false;
            Actor InboundActor(AgentRow? agent) => channel == Channel.Phone ? agent!.Actor : ChannelActor(channel);

            for (var i = 0; i < steps.Count; i++)
            {
                var step = steps[i];
                var agentStep = step.Kind is not (StepKind.In or StepKind.Bot or StepKind.Wait or StepKind.AutoClose);
                if (i == 0)
                {
                    // Phone calls are logged by the agent who took them; a proactive message is written by its agent.
                    var byAgent = channel == Channel.Phone || step.Kind == StepKind.Out;
                    plan.CreatorAssigneeId = byAgent ? assignee!.Id : null;
                    assigned = byAgent;
                    plan.Acts.Add(Message(ActKind.Create, t, byAgent ? assignee!.Actor : ChannelActor(channel), step, assignee, channel));
                    status = Next(status, step);
                    continue;
                }

                if (agentStep && !assigned && assignee is not null)
                {
                    t += Minutes(fast ? 0.5 : 5, fast ? 4 : 90);
                    var supervisor = agents.Where(a => a.Data.Role == AgentRole.Supervisor && a.Data.Teams.Contains(teamKey)).ToList();
                    var by = supervisor.Count > 0 && rng.NextDouble() < 0.5 ? supervisor[rng.Next(supervisor.Count)] : assignee;
                    plan.Acts.Add(new Act(ActKind.Assign, t, by.Actor) { AssigneeId = assignee.Id });
                    assigned = true;
                    if (duplicate)
                    {
                        t += Minutes(1, 4);
                        plan.Acts.Add(new Act(ActKind.MergeDuplicate, t, assignee.Actor));
                        t += Minutes(0.2, 1);
                        plan.Acts.Add(new Act(ActKind.Message, t, assignee.Actor)
                        {
                            Message = MessageKind.Note,
                            Text = "已核实：这位微信用户就是老客户{name}（手机号和历史订单一致），已把微信身份合并到客户档案，历史会话可在客户时间线中查看。",
                            AssigneeName = assignee.Data.Name,
                        });
                    }
                }

                switch (step.Kind)
                {
                    case StepKind.In:
                        t += channel switch
                        {
                            Channel.Chat => Minutes(1, 6),
                            Channel.Api => Minutes(2, 30),
                            Channel.Phone => Minutes(20, 180),
                            Channel.Email or Channel.WebForm => Minutes(60, 720),
                        };
                        plan.Acts.Add(Message(ActKind.Message, t, InboundActor(assignee), step, assignee, channel));
                        break;
                    case StepKind.Out:
                        t += fast ? Minutes(1, channel == Channel.Api ? 15 : 5) : Minutes(30, 360);
                        plan.Acts.Add(Message(ActKind.Message, t, assignee!.Actor, step, assignee, channel));
                        break;
                    case StepKind.Note:
                        t += Minutes(2, 20);
                        plan.Acts.Add(Message(ActKind.Message, t, assignee!.Actor, step, assignee, channel));
                        break;
                    case StepKind.Bot:
                        t += TimeSpan.FromSeconds(rng.Next(2, 8));
                        plan.Acts.Add(Message(ActKind.Message, t, Bot, step, assignee, channel));
                        break;
                    case StepKind.Status:
                        t += Minutes(1, 10);
                        plan.Acts.Add(new Act(ActKind.Status, t, assignee!.Actor) { Status = step.Status });
                        break;
                    case StepKind.AutoClose:
                        t += TimeSpan.FromHours(step.Hours) + Minutes(0, 120);
                        plan.Acts.Add(new Act(ActKind.Status, t, Automation) { Status = ConversationStatus.Closed });
                        break;
                    case StepKind.Transfer:
                        t += Minutes(3, 20);
                        var next = PickAgent(agents, step.Team!, scenario.Language, false, assignee);
                        plan.Acts.Add(new Act(ActKind.Transfer, t, assignee!.Actor) { TeamId = teams[step.Team!], AssigneeId = next.Id });
                        t += Minutes(0.3, 2);
                        plan.Acts.Add(new Act(ActKind.Message, t, assignee.Actor)
                        {
                            Message = MessageKind.Note,
                            Text = step.Text,
                            AssigneeName = assignee.Data.Name,
                            NextName = next.Data.Name,
                        });
                        assignee = next;
                        break;
                    case StepKind.Wait:
                        t += TimeSpan.FromHours(step.Hours * (0.8 + 0.4 * rng.NextDouble()));
                        break;
                    case StepKind.Raise:
                        t += Minutes(0.5, 3);
                        if (step.Priority > current)
                        {
                            plan.Acts.Add(new Act(ActKind.Raise, t, assignee!.Actor) { Priority = step.Priority });
                            current = step.Priority;
                        }

                        break;
                    case StepKind.TagCustomer:
                        t += Minutes(0.5, 3);
                        plan.Acts.Add(new Act(ActKind.TagCustomer, t, assignee!.Actor) { Text = step.Text });
                        break;
                }

                status = Next(status, step);
            }

            // Recent work is still in progress; what was resolved and closed happened earlier in the fortnight.
            var (minDays, maxDays) = status switch
            {
                ConversationStatus.New => (0, 0),
                ConversationStatus.Open => (0, 2),
                ConversationStatus.Pending => (0, 4),
                ConversationStatus.OnHold => (1, 6),
                ConversationStatus.Resolved => (1, 11),
                ConversationStatus.Closed => (3, 13),
            };
            var day = rng.Next(minDays, maxDays + 1);
            var secondOfDay = rng.Next(9 * 3600, 21 * 3600);
            var jitter = TimeSpan.FromMinutes(rng.Next(10, 300));
            var latest = now - TimeSpan.FromMinutes(5) - t;
            var midnight = new DateTimeOffset(now.ToOffset(Beijing).Date, Beijing);
            var start = status == ConversationStatus.New ? latest - jitter : midnight.AddDays(-day).AddSeconds(secondOfDay).ToUniversalTime();
            plan.Start = start > latest ? latest - jitter : start;

            foreach (var act in plan.Acts.Where(a => a.Text.Length > 0 && a.Kind != ActKind.TagCustomer))
            {
                act.Text = Render(act.Text, values, act.AssigneeName, act.NextName);
            }

            return plan;
        }

        public async Task<Guid> ExecuteAsync(Plan plan, CancellationToken ct)
        {
            var conversationId = Guid.Empty;
            var customerId = plan.Customer?.Id ?? Guid.Empty;
            foreach (var act in plan.Acts)
            {
                var at = plan.Start + act.At;
                var what = $"{plan.Scenario.Subject} ({act.Kind} at +{act.At})";
                switch (act.Kind)
                {
                    case ActKind.Create:
                        var created = Ensure(await ConversationCommands.CreateAsync(db, act.Actor, at, new CreateConversationRequest(
                            plan.Channel, plan.Channel == Channel.Chat ? null : plan.Scenario.Subject, plan.Ref is null ? customerId : null, plan.Ref,
                            NewMessage(act), plan.Priority, plan.CategoryId, plan.Tags, plan.CreatorAssigneeId, plan.TeamId), ct), what);
                        conversationId = created.Detail.Conversation.Id;
                        customerId = created.Detail.Conversation.CustomerId;
                        break;
                    case ActKind.Message:
                        Ensure(await ConversationCommands.AddMessageAsync(db, act.Actor, at, conversationId, NewMessage(act), ct), what);
                        break;
                    case ActKind.Assign:
                        Ensure(await ConversationCommands.UpdateAsync(db, act.Actor, at, conversationId, null, new ConversationPatch(AssigneeId: act.AssigneeId), ct), what);
                        break;
                    case ActKind.Status:
                        Ensure(await ConversationCommands.UpdateAsync(db, act.Actor, at, conversationId, null, new ConversationPatch(Status: act.Status), ct), what);
                        break;
                    case ActKind.Transfer:
                        Ensure(await ConversationCommands.UpdateAsync(db, act.Actor, at, conversationId, null,
                            new ConversationPatch(TeamId: act.TeamId, AssigneeId: act.AssigneeId), ct), what);
                        break;
                    case ActKind.Raise:
                        Ensure(await ConversationCommands.UpdateAsync(db, act.Actor, at, conversationId, null, new ConversationPatch(Priority: act.Priority), ct), what);
                        break;
                    case ActKind.TagCustomer:
                        var tags = await db.Customers.AsNoTracking().Where(c => c.Id == customerId).Select(c => c.Tags).FirstAsync(ct);
                        Ensure(await CustomerCommands.UpdateAsync(db, act.Actor, at, customerId, null, new CustomerPatch(Tags: tags.Append(act.Text).ToList()), ct), what);
                        break;
                    case ActKind.MergeDuplicate:
                        Ensure(await CustomerCommands.MergeAsync(db, act.Actor, at, customerId, plan.Customer!.Id, ct), what);
                        customerId = plan.Customer.Id;
                        // The merge moved the conversation in the database; forget the tracked copy.
                        db.ChangeTracker.Clear();
                        break;
                }
            }

            return conversationId;
        }

        private static NewMessage NewMessage(Act act) =>
            new(act.Message, act.Text, null, act.ClientId, act.Attachment is null ? null : [act.Attachment]);

        private Act Message(ActKind kind, TimeSpan at, Actor actor, Step step, AgentRow? assignee, Channel channel)
        {
            var message = step.Kind switch
            {
                StepKind.In => MessageKind.Inbound,
                StepKind.Out or StepKind.Bot => MessageKind.Outbound,
                _ => MessageKind.Note,
            };
            // What a channel would send with each inbound message so that its retries are recognised.
            var clientId = message != MessageKind.Inbound ? null : channel switch
            {
                Channel.Chat => $"chat-{Hex(8)}",
                Channel.Api => $"wechat-msg-{Hex(8)}",
                Channel.Email => $"<{Hex(10)}@mail.example.com>",
                Channel.WebForm => $"form-{Hex(8)}",
                Channel.Phone => null,
            };
            return new Act(kind, at, actor)
            {
                Message = message,
                Text = step.Text,
                Attachment = step.Attachment,
                ClientId = clientId,
                AssigneeName = assignee?.Data.Name,
            };
        }

        private CustomerRef? Identify(Plan plan, CustomerRow? customer, bool duplicate)
        {
            if (customer is null)
            {
                return new CustomerRef(IdentityKind.VisitorId, null, "v_" + Hex(6), null, "zh-CN");
            }

            if (duplicate)
            {
                string[] nicknames = ["阿杰", "晴天", "小鱼儿", "Coco", "木子"];
                return new CustomerRef(IdentityKind.External, "wechat", "o" + Base64Id(27), nicknames[rng.Next(nicknames.Length)], "zh-CN");
            }

            // Channels recognise the customer by the identity they carry; the agent picks the customer for the rest.
            return plan.Channel switch
            {
                Channel.Chat when customer.VisitorId is not null => new CustomerRef(IdentityKind.VisitorId, null, customer.VisitorId, null, null),
                Channel.Email or Channel.WebForm => new CustomerRef(IdentityKind.Email, null, customer.Email, null, null),
                Channel.Api when customer.WeChat is not null => new CustomerRef(IdentityKind.External, "wechat", customer.WeChat, null, null),
                Channel.Phone when customer.Phone is not null => new CustomerRef(IdentityKind.Phone, null, customer.Phone, null, null),
                _ => null,
            };
        }

        private Dictionary<string, string> Values(Scenario scenario, CustomerRow? customer)
        {
            var product = DemoData.Products[rng.Next(DemoData.Products.Length)];
            var name = customer?.Data.Name ?? "";
            return new Dictionary<string, string>
            {
                ["name"] = name,
                ["first"] = scenario.Language == "en" ? name.Split(' ')[0] : name,
                ["email"] = customer?.Email ?? "",
                ["phone"] = customer?.Phone ?? "",
                ["city"] = customer?.Data.City ?? "",
                ["company"] = customer?.Data.Company ?? DemoData.FallbackCompanies[rng.Next(DemoData.FallbackCompanies.Length)],
                ["order"] = rng.NextInt64(1_000_000_000_000_000, 9_999_999_999_999_999).ToString(),
                ["tracking"] = "SF" + rng.NextInt64(100_000_000_000, 999_999_999_999),
                ["product"] = product.Name,
                ["amount"] = scenario.Language == "en" ? DemoData.SubscriptionAmounts[rng.Next(DemoData.SubscriptionAmounts.Length)] : product.Price.ToString(),
                ["code"] = $"{rng.Next(1, 9)}-{rng.Next(1, 6)}-{rng.Next(1000, 10000)}",
                ["bug"] = rng.Next(1200, 4800).ToString(),
                ["invoice"] = $"INV-{rng.Next(10000, 100000)}",
            };
        }

        private static string Render(string text, Dictionary<string, string> values, string? agent, string? next)
        {
            var s = new StringBuilder(text);
            foreach (var (key, value) in values)
            {
                s.Replace("{" + key + "}", value);
            }

            s.Replace("{agent}", agent).Replace("{next}", next);
            var result = s.ToString();
            var open = result.IndexOf('{');
            return open >= 0 && open + 1 < result.Length && char.IsAsciiLetter(result[open + 1])
                ? throw new InvalidOperationException($"Unknown placeholder in demo text: {result}")
                : result;
        }

        private AgentRow PickAgent(List<AgentRow> agents, string team, string language, bool supervisor, AgentRow? except)
        {
            var members = agents.Where(a => a.Data.Teams.Contains(team) && a != except).ToList();
            var speakers = members.Where(a => a.Data.Language == language).ToList();
            var pool = speakers.Count > 0 ? speakers : members;
            // Supervisors take the escalations and help out with the rest; agents carry the queue.
            var supervisors = pool.Where(a => a.Data.Role == AgentRole.Supervisor).ToList();
            var regulars = pool.Where(a => a.Data.Role != AgentRole.Supervisor).ToList();
            var preferSupervisor = supervisor || rng.NextDouble() < 0.25;
            pool = preferSupervisor && supervisors.Count > 0 ? supervisors : regulars.Count > 0 ? regulars : pool;

            return pool[rng.Next(pool.Count)];
        }

        private AgentRow PickColleague(List<AgentRow> agents, string team, AgentRow? assignee)
        {
            var sameTeam = agents.Where(a => a != assignee && a.Data.Teams.Contains(team)).ToList();
            var pool = sameTeam.Count > 0 ? sameTeam : agents.Where(a => a != assignee).ToList();
            return pool[rng.Next(pool.Count)];
        }

        private TimeSpan Minutes(double min, double max) => TimeSpan.FromMinutes(min + (max - min) * rng.NextDouble());

        private string Hex(int bytes)
        {
            var buffer = new byte[bytes];
            rng.NextBytes(buffer);
            return Convert.ToHexStringLower(buffer);
        }

        private string Base64Id(int length)
        {
            const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            return string.Create(length, rng, (span, r) =>
            {
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = alphabet[r.Next(alphabet.Length)];
                }
            });
        }
    }

    private static List<Step> OpenPrefix(Step[] steps)
    {
        // Up to the first agent reply, and the customer's answer to it when there is one: the agent is working on it.
        var firstOut = Array.FindIndex(steps, s => s.Kind == StepKind.Out);
        if (firstOut < 0)
        {
            return steps.ToList();
        }

        var end = firstOut + 1 < steps.Length && steps[firstOut + 1].Kind == StepKind.In ? firstOut + 2 : firstOut + 1;
        return steps.Take(end).ToList();
    }

    private static bool UsesCustomerDetails(Scenario scenario) =>
        scenario.Steps.Any(s => s.Text.Contains("{name}") || s.Text.Contains("{first}") || s.Text.Contains("{email}") || s.Text.Contains("{phone}") || s.Text.Contains("{city}"));

    private static ConversationStatus Next(ConversationStatus status, Step step) => step.Kind switch
    {
        StepKind.In => StatusTransitions.AfterCustomerMessage(status),
        StepKind.Out => StatusTransitions.AfterAgentReply(status),
        StepKind.Status => step.Status,
        StepKind.AutoClose => ConversationStatus.Closed,
        _ => status,
    };

    private static Actor ChannelActor(Channel channel) => channel switch
    {
        Channel.Chat => new Actor(ActorKind.System, null, "web chat"),
        Channel.Email => new Actor(ActorKind.System, null, "email inbox"),
        Channel.Api => new Actor(ActorKind.Integration, null, "WeChat gateway"),
        Channel.WebForm => new Actor(ActorKind.System, null, "web form"),
        Channel.Phone => new Actor(ActorKind.System, null, "phone"),
    };

    private static string CompanyDomain(string company) =>
        new string(company.Split(' ')[0].Where(char.IsAsciiLetterOrDigit).ToArray()).ToLowerInvariant() + ".example";

    private static T Ensure<T>(Result<T> result, string what) => result.IsOk
        ? result.Value
        : throw new InvalidOperationException($"Demo seed failed at {what}: {result.Error!.Message} "
            + string.Join("; ", (result.Error as Invalid)?.Fields.Select(f => $"{f.Key}: {string.Join(" ", f.Value)}") ?? []));
}
