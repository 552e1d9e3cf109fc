using Kefu.Core.Common;
using Kefu.Data;
using Kefu.Server.Features.Auth;
using Kefu.Server.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Jobs;

public sealed record JobDto(
    Guid Id, string Kind, JobState State, int Attempts, DateTimeOffset RunAt, string? LastError, Guid? ConversationId,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt)
{
    public static JobDto From(Job j) => new(j.Id, j.Kind, j.State, j.Attempts, j.RunAt, j.LastError, j.ConversationId, j.CreatedAt, j.FinishedAt);
}

/// <summary>Operators see queued and failed background work and can send a failed job again.</summary>
public static class JobEndpoints
{
    public const int PageSize = 100;

    public static void MapJobEndpoints(this IEndpointRouteBuilder app)
    {
        var jobs = app.MapGroup("/api/v1/admin/jobs").WithTags("Background jobs").RequireAuthorization(Policies.Admin);
        jobs.MapGet("", List).WithSummary("The newest background jobs (admins), optionally by state, kind or conversation.");
        jobs.MapPost("/{id:guid}/retry", Retry)
            .WithSummary("Run a failed job again now, with a fresh set of retries (admins). A pending or finished job is a 409.");
    }

    private static async Task<Results<Ok<List<JobDto>>, ProblemHttpResult>> List(
        KefuDbContext db, string? state, string? kind, Guid? conversationId, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var wanted = Wire.Enum<JobState>(state, "state", errors);
        if (errors.ToError() is { } invalid)
        {
            return Problems.From(invalid);
        }

        var query = db.Jobs.AsNoTracking();
        query = wanted is null ? query : query.Where(j => j.State == wanted);
        query = string.IsNullOrWhiteSpace(kind) ? query : query.Where(j => j.Kind == kind);
        query = conversationId is null ? query : query.Where(j => j.ConversationId == conversationId);
        var jobs = await query.OrderByDescending(j => j.Id).Take(PageSize).ToListAsync(ct);
        return TypedResults.Ok(jobs.Select(JobDto.From).ToList());
    }

    private static async Task<Results<Ok<JobDto>, ProblemHttpResult>> Retry(Guid id, KefuDbContext db, TimeProvider clock, JobSignal signal, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var changed = await db.Jobs.Where(j => j.Id == id && j.State == JobState.Failed).ExecuteUpdateAsync(u => u
            .SetProperty(j => j.State, JobState.Pending)
            .SetProperty(j => j.Attempts, 0)
            .SetProperty(j => j.RunAt, now)
            .SetProperty(j => j.FinishedAt, (DateTimeOffset?)null), ct);
        var job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == id, ct);
        if (job is null)
        {
            return Problems.From(new NotFound("Job", id.ToString()));
        }

        if (changed == 0)
        {
            return Problems.From(new Conflict($"Job '{id}' is {job.State.ToString().ToLowerInvariant()}; only a failed job can be retried."));
        }

        signal.Poke();
        return TypedResults.Ok(JobDto.From(job));
    }
}
