using Kefu.Core.Calendars;
using Kefu.Core.Common;
using Kefu.Core.Sla;
using Kefu.Data;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Sla;

/// <summary>Calendar and policy writes shared by the REST API and the admin pages; each is one save, nothing half-written.</summary>
public static class SlaCommands
{
    /// <summary>Creates (id null) or changes a calendar.</summary>
    public static async Task<Result<CalendarDto>> SaveCalendarAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid? id, CalendarRequest request, CancellationToken ct)
    {
        var (slots, holidays, parseError) = CalendarDto.Parse(request);
        if (id is null)
        {
            var created = BusinessCalendar.Create(Guid.CreateVersion7(now), request.Name, request.TimeZone, slots, holidays, now);
            if (SlaEndpoints.Merge(parseError, created.Error) is { } error)
            {
                return error;
            }

            if (await db.BusinessCalendars.AnyAsync(c => c.Name == created.Value.Name, ct))
            {
                return new Conflict($"A calendar named '{created.Value.Name}' already exists.");
            }

            db.BusinessCalendars.Add(created.Value);
            db.Activities.Add(ActivityEntry.Create(actor, now, "calendar", created.Value.Id, "created", new("name", null, created.Value.Name)));
            await db.SaveChangesAsync(ct);
            return CalendarDto.From(created.Value, now);
        }

        var calendar = await db.BusinessCalendars.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (calendar is null)
        {
            return new NotFound("Calendar", id.Value.ToString());
        }

        if (parseError is not null)
        {
            return SlaEndpoints.Merge(parseError, calendar.Update(request.Name, request.TimeZone, null, null, now).Error)!;
        }

        var changes = calendar.Update(request.Name, request.TimeZone, slots, holidays, now);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        if (await db.BusinessCalendars.AnyAsync(c => c.Id != id && c.Name == calendar.Name, ct))
        {
            return new Conflict($"A calendar named '{calendar.Name}' already exists.");
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "calendar", id.Value, changes.Value));
        await db.SaveChangesAsync(ct);
        return CalendarDto.From(calendar, now);
    }

    /// <summary>Adds the holidays of an iCalendar text to a calendar.</summary>
    public static async Task<Result<HolidayImportDto>> ImportHolidaysAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, string text, CancellationToken ct)
    {
        var calendar = await db.BusinessCalendars.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (calendar is null)
        {
            return new NotFound("Calendar", id.ToString());
        }

        var parsed = ICalendarHolidays.Parse(text, calendar.Hours().Zone ?? TimeZoneInfo.Utc);
        if (!parsed.IsOk)
        {
            return parsed.Error!;
        }

        var before = calendar.Holidays.Count;
        var changes = calendar.AddHolidays(parsed.Value.Holidays, now);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "calendar", id, changes.Value));
        await db.SaveChangesAsync(ct);
        return new HolidayImportDto(calendar.Holidays.Count - before, parsed.Value.Skipped, CalendarDto.From(calendar, now));
    }

    /// <summary>Creates (id null) or replaces an SLA policy.</summary>
    public static async Task<Result<SlaPolicyDto>> SavePolicyAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid? id, SlaPolicyRequest request, CancellationToken ct)
    {
        var draft = request.ToDraft();
        if (id is null)
        {
            var created = SlaPolicy.Create(Guid.CreateVersion7(now), draft, now);
            if (SlaEndpoints.Merge(await SlaEndpoints.CheckReferencesAsync(db, draft, ct), created.Error) is { } error)
            {
                return error;
            }

            if (await db.SlaPolicies.AnyAsync(p => p.Name == created.Value.Name, ct))
            {
                return new Conflict($"An SLA policy named '{created.Value.Name}' already exists.");
            }

            db.SlaPolicies.Add(created.Value);
            db.Activities.Add(ActivityEntry.Create(actor, now, "sla_policy", created.Value.Id, "created", new("name", null, created.Value.Name)));
            await db.SaveChangesAsync(ct);
            return SlaPolicyDto.From(created.Value);
        }

        var policy = await db.SlaPolicies.FirstOrDefaultAsync(p => p.Id == id, ct);
        if (policy is null)
        {
            return new NotFound("SLA policy", id.Value.ToString());
        }

        var references = await SlaEndpoints.CheckReferencesAsync(db, draft, ct);
        if (references is not null)
        {
            return SlaEndpoints.Merge(references, SlaPolicy.Create(id.Value, draft, now).Error)!;
        }

        var updated = policy.Update(draft, now);
        if (!updated.IsOk)
        {
            return updated.Error!;
        }

        if (await db.SlaPolicies.AnyAsync(p => p.Id != id && p.Name == policy.Name, ct))
        {
            return new Conflict($"An SLA policy named '{policy.Name}' already exists.");
        }

        db.Activities.Add(ActivityEntry.Create(actor, now, "sla_policy", id.Value, "updated", new("version", (policy.Version - 1).ToString(), policy.Version.ToString())));
        await db.SaveChangesAsync(ct);
        return SlaPolicyDto.From(policy);
    }
}
