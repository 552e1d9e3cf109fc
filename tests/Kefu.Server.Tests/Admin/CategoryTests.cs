using Kefu.Core.Agents;
using Kefu.Server.Features.Admin;

namespace Kefu.Server.Tests.Admin;

public sealed class CategoryTests(Apps apps) : ServerTest(apps)
{
    [Theory]
    [MemberData(nameof(Providers))]
    public async Task List_AsAgent_ContainsTheSeededTaxonomyInOrder(string db)
    {
        var app = await AppAsync(db);
        var agent = await app.CreateAgentAsync();

        var categories = await agent.Http.GetAsync(Api.Categories).ReadAsync<List<CategoryDto>>(HttpStatusCode.OK);

        var orderStatus = Assert.Single(categories, c => c.Key == "order_status");
        Assert.Equal(("Order status", "订单状态"), (orderStatus.NameEn, orderStatus.NameZh));
        Assert.Contains(categories, c => c.Key == "general_feedback");
        Assert.Equal(categories.Select(c => c.Position).Order(), categories.Select(c => c.Position));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Crud_AsAdmin_CreatesUpdatesAndDeletes(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var key = "k_" + Unique.Id();

        var response = await admin.Http.PostJsonAsync(Api.Categories, new { key, nameEn = " Gift cards ", nameZh = "礼品卡" });
        var created = await response.ReadAsync<CategoryDto>(HttpStatusCode.Created);
        Assert.Equal($"/api/v1/categories/{created.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal((key, "Gift cards", "礼品卡", true), (created.Key, created.NameEn, created.NameZh, created.IsActive));
        Assert.True(created.Position > 25);

        var updated = await admin.Http.PatchJsonAsync($"{Api.Categories}/{created.Id}", new { nameEn = "Gift cards & vouchers", position = 3, isActive = false })
            .ReadAsync<CategoryDto>(HttpStatusCode.OK);
        Assert.Equal(("Gift cards & vouchers", "礼品卡", 3, false), (updated.NameEn, updated.NameZh, updated.Position, updated.IsActive));
        Assert.Contains(await admin.Http.GetAsync(Api.Categories).ReadAsync<List<CategoryDto>>(HttpStatusCode.OK), c => c.Id == created.Id && !c.IsActive);

        await admin.Http.DeleteAsync($"{Api.Categories}/{created.Id}").ExpectAsync(HttpStatusCode.NoContent);
        Assert.DoesNotContain(await admin.Http.GetAsync(Api.Categories).ReadAsync<List<CategoryDto>>(HttpStatusCode.OK), c => c.Id == created.Id);
        await admin.Http.DeleteAsync($"{Api.Categories}/{created.Id}").ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Create_DuplicateOrInvalidKey_Returns409Or400(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();

        await admin.Http.PostJsonAsync(Api.Categories, new { key = "order_status", nameEn = "Again", nameZh = "再次" }).ProblemAsync(HttpStatusCode.Conflict);
        (await admin.Http.PostJsonAsync(Api.Categories, new { key = "Bad Key", nameEn = "x", nameZh = "x" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("key");
        var missing = await admin.Http.PostJsonAsync(Api.Categories, "{}").ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Equal(["key", "nameEn", "nameZh"], missing.Fields.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Update_KeyChangeOrUnknown_Returns400Or404(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var created = await admin.Http.PostJsonAsync(Api.Categories, new { key = "k_" + Unique.Id(), nameEn = "A", nameZh = "甲" })
            .ReadAsync<CategoryDto>(HttpStatusCode.Created);

        (await admin.Http.PatchJsonAsync($"{Api.Categories}/{created.Id}", new { key = "other_key" }).ProblemAsync(HttpStatusCode.BadRequest)).Field("key");
        (await admin.Http.PatchJsonAsync($"{Api.Categories}/{created.Id}", new { nameZh = " " }).ProblemAsync(HttpStatusCode.BadRequest)).Field("nameZh");
        await admin.Http.PatchJsonAsync($"{Api.Categories}/{Guid.NewGuid()}", new { nameEn = "x" }).ProblemAsync(HttpStatusCode.NotFound);
        await admin.Http.PatchJsonAsync($"{Api.Categories}/{created.Id}", new { key = created.Key, nameEn = "B" }).ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Delete_CategoryUsedByAConversation_Returns409(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var category = await admin.Http.PostJsonAsync(Api.Categories, new { key = "k_" + Unique.Id(), nameEn = "Used", nameZh = "用" })
            .ReadAsync<CategoryDto>(HttpStatusCode.Created);
        await admin.Http.CreateConversationAsync(Api.NewConversation(categoryId: category.Id));

        var problem = await admin.Http.DeleteAsync($"{Api.Categories}/{category.Id}").ProblemAsync(HttpStatusCode.Conflict);

        Assert.Contains("deactivate", problem.Detail);
        Assert.Contains(await admin.Http.GetAsync(Api.Categories).ReadAsync<List<CategoryDto>>(HttpStatusCode.OK), c => c.Id == category.Id);
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Deactivated_CannotBeGivenToAConversation(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var category = await admin.Http.PostJsonAsync(Api.Categories, new { key = "k_" + Unique.Id(), nameEn = "Old", nameZh = "旧" })
            .ReadAsync<CategoryDto>(HttpStatusCode.Created);
        await admin.Http.PatchJsonAsync($"{Api.Categories}/{category.Id}", new { isActive = false }).ExpectAsync(HttpStatusCode.OK);

        (await admin.Http.PostJsonAsync(Api.Conversations, Api.NewConversation(categoryId: category.Id)).ProblemAsync(HttpStatusCode.BadRequest)).Field("categoryId");
    }

    [Theory]
    [MemberData(nameof(Providers))]
    public async Task Writes_AsAgentOrSupervisor_Return403(string db)
    {
        var app = await AppAsync(db);
        var admin = await app.AdminAsync();
        var category = await admin.Http.PostJsonAsync(Api.Categories, new { key = "k_" + Unique.Id(), nameEn = "Locked", nameZh = "锁" })
            .ReadAsync<CategoryDto>(HttpStatusCode.Created);

        foreach (var role in new[] { AgentRole.Agent, AgentRole.Supervisor })
        {
            var caller = await app.CreateAgentAsync(role);
            await caller.Http.PostJsonAsync(Api.Categories, new { key = "k_" + Unique.Id(), nameEn = "x", nameZh = "x" }).ProblemAsync(HttpStatusCode.Forbidden);
            await caller.Http.PatchJsonAsync($"{Api.Categories}/{category.Id}", new { nameEn = "x" }).ProblemAsync(HttpStatusCode.Forbidden);
            await caller.Http.DeleteAsync($"{Api.Categories}/{category.Id}").ProblemAsync(HttpStatusCode.Forbidden);
        }

        Assert.Equal("Locked", (await admin.Http.GetAsync(Api.Categories).ReadAsync<List<CategoryDto>>(HttpStatusCode.OK)).Single(c => c.Id == category.Id).NameEn);
    }
}
