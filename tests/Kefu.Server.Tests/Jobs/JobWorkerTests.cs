using Kefu.Core.Agents;
using Kefu.Data;
using Kefu.Server.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Kefu.Server.Tests.Jobs;

public sealed class JobWorkerTests(Apps apps) : ServerTest(apps)
{
    [Theory, MemberData(nameof(Providers))]
    public async Task Enqueue_SavedWithTheChange_RunsOnceAndIsDone(string provider)
    {
        var app = await AppAsync(provider);
        var key = Unique.Id();

        var job = await EnqueueAsync(app, new ProbePayload(key, FailTimes: 0));

        var done = await WaitForAsync(app, job.Id, j => j.State != JobState.Pending);
        Assert.Equal(JobState.Done, done.State);
        Assert.Equal(1, done.Attempts);
        Assert.NotNull(done.FinishedAt);
        Assert.Null(done.LastError);
        Assert.Equal(1, ProbeJob.Attempts[key]);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Run_FailsTwiceThenSucceeds_RetriedWithBackoffAndDone(string provider)
    {
        var app = await AppAsync(provider);
        var key = Unique.Id();

        var job = await EnqueueAsync(app, new ProbePayload(key, FailTimes: 2));

        var done = await WaitForAsync(app, job.Id, j => j.State != JobState.Pending);
        Assert.Equal(JobState.Done, done.State);
        Assert.Equal(3, done.Attempts);
        Assert.Equal(3, ProbeJob.Attempts[key]);
        Assert.False(ProbeJob.FailureReports.ContainsKey(key));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Run_AlwaysFails_FailsForGoodAfterTheLastDelayAndReportsOnce(string provider)
    {
        var app = await AppAsync(provider);
        var key = Unique.Id();

        var job = await EnqueueAsync(app, new ProbePayload(key, FailTimes: 100));

        // The test settings have three retry delays: four attempts in all.
        var failed = await WaitForAsync(app, job.Id, j => j.State != JobState.Pending);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal(4, failed.Attempts);
        Assert.Equal("failure 4", failed.LastError);
        await WaitUntilAsync(() => ProbeJob.FailureReports.ContainsKey(key));
        Assert.Equal("failure 4", ProbeJob.FailureReports[key]);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Run_PermanentFailure_NoRetry(string provider)
    {
        var app = await AppAsync(provider);
        var key = Unique.Id();

        var job = await EnqueueAsync(app, new ProbePayload(key, FailTimes: 100, Permanent: true));

        var failed = await WaitForAsync(app, job.Id, j => j.State != JobState.Pending);
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Equal(1, failed.Attempts);
        Assert.Equal("permanent failure 1", failed.LastError);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Enqueue_RolledBackChange_LeavesNoJob(string provider)
    {
        var app = await AppAsync(provider);
        var key = Unique.Id();
        Guid id;

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync();
            id = JobQueue.Enqueue(db, ProbeJob.Kind, new ProbePayload(key, 0), DateTimeOffset.UtcNow).Id;
            await db.SaveChangesAsync();
            await tx.RollbackAsync();
        }

        await Task.Delay(300);
        Assert.False(await app.DbAsync(db => db.Jobs.AnyAsync(j => j.Id == id)));
        Assert.False(ProbeJob.Attempts.ContainsKey(key));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Enqueue_SameDedupeKeyTwice_SecondSaveIsAUniqueViolation(string provider)
    {
        var app = await AppAsync(provider);
        var dedupe = "probe:" + Unique.Id();
        await EnqueueAsync(app, new ProbePayload(Unique.Id(), 0), dedupe);

        var second = await Assert.ThrowsAsync<DbUpdateException>(() => EnqueueAsync(app, new ProbePayload(Unique.Id(), 0), dedupe));

        Assert.True(DbErrors.IsUniqueViolation(second));
        Assert.Equal(1, await app.DbAsync(db => db.Jobs.CountAsync(j => j.DedupeKey == dedupe)));
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Claim_TwoWorkersRacing_EachJobRunsExactlyOnce(string provider)
    {
        var app = await AppAsync(provider);
        // A second worker in the same process competes with the host's own for the same rows, as another node would.
        var rival = ActivatorUtilities.CreateInstance<JobWorker>(app.Services);
        await rival.StartAsync(CancellationToken.None);
        try
        {
            var keys = Enumerable.Range(0, 40).Select(_ => Unique.Id()).ToList();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
                foreach (var key in keys)
                {
                    JobQueue.Enqueue(db, ProbeJob.Kind, new ProbePayload(key, 0), DateTimeOffset.UtcNow);
                }

                await db.SaveChangesAsync();
            }

            await WaitUntilAsync(() => keys.All(ProbeJob.Attempts.ContainsKey));
            await Task.Delay(300);
            Assert.All(keys, key => Assert.Equal(1, ProbeJob.Attempts[key]));
        }
        finally
        {
            await rival.StopAsync(CancellationToken.None);
            rival.Dispose();
        }
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Retry_FailedJob_RunsAgainWithFreshAttempts(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var key = Unique.Id();
        var job = await EnqueueAsync(app, new ProbePayload(key, FailTimes: 1, Permanent: true));
        await WaitForAsync(app, job.Id, j => j.State == JobState.Failed);

        using var response = await admin.Http.PostAsync($"/api/v1/admin/jobs/{job.Id}/retry", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var done = await WaitForAsync(app, job.Id, j => j.State == JobState.Done);
        Assert.Equal(1, done.Attempts);
        Assert.Equal(2, ProbeJob.Attempts[key]);

        var listed = await admin.Http.GetFromJsonAsync<List<JsonElement>>($"/api/v1/admin/jobs?kind={ProbeJob.Kind}&state=done");
        Assert.Contains(listed!, j => j.GetProperty("id").GetGuid() == job.Id);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Retry_JobThatIsNotFailed_IsAConflict(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();
        var job = await EnqueueAsync(app, new ProbePayload(Unique.Id(), 0));
        await WaitForAsync(app, job.Id, j => j.State == JobState.Done);

        using var response = await admin.Http.PostAsync($"/api/v1/admin/jobs/{job.Id}/retry", null);
        using var missing = await admin.Http.PostAsync($"/api/v1/admin/jobs/{Guid.NewGuid()}/retry", null);

        await response.ProblemAsync(HttpStatusCode.Conflict);
        await missing.ProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task List_UnknownState_IsAFieldError(string provider)
    {
        var app = await AppAsync(provider);
        var admin = await app.AdminAsync();

        var problem = await admin.Http.GetAsync("/api/v1/admin/jobs?state=stuck").ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("failed", problem.Field("state")[0]);
    }

    [Theory, MemberData(nameof(Providers))]
    public async Task Jobs_Agent_IsForbidden(string provider)
    {
        var app = await AppAsync(provider);
        var agent = await app.CreateAgentAsync(AgentRole.Agent);

        using var response = await agent.Http.GetAsync("/api/v1/admin/jobs");

        await response.ProblemAsync(HttpStatusCode.Forbidden);
    }

    private static async Task<Job> EnqueueAsync(KefuApp app, ProbePayload payload, string? dedupeKey = null)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<KefuDbContext>();
        var job = JobQueue.Enqueue(db, ProbeJob.Kind, payload, DateTimeOffset.UtcNow, dedupeKey);
        await db.SaveChangesAsync();
        return job;
    }

    private static async Task<Job> WaitForAsync(KefuApp app, Guid id, Func<Job, bool> condition)
    {
        Job? job = null;
        await WaitUntilAsync(async () =>
        {
            job = await app.DbAsync(db => db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id));
            return condition(job);
        });
        return job!;
    }

    private static Task WaitUntilAsync(Func<bool> condition) => WaitUntilAsync(() => Task.FromResult(condition()));

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The job did not reach the expected state within 15 s.");
            await Task.Delay(25);
        }
    }
}
