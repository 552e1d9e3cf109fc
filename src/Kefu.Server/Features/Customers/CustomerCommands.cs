using Kefu.Core.Common;
using Kefu.Core.Customers;
using Kefu.Data;
using Kefu.Server.Features.Conversations;
using Microsoft.EntityFrameworkCore;

namespace Kefu.Server.Features.Customers;

/// <summary>Steps that change customers; each is one transaction.</summary>
public static class CustomerCommands
{
    public const int MaxIdentities = 20;

    /// <summary>Finds the customer who owns the identity (following merges) or creates one with it. Saves nothing.</summary>
    public static async Task<Result<Customer>> FindOrCreateAsync(KefuDbContext db, Actor actor, DateTimeOffset now, CustomerRef customer, CancellationToken ct)
    {
        if (customer.Kind is null)
        {
            return Invalid.Field("customer.kind", "is required (email, phone, visitor_id or external).");
        }

        var key = CustomerIdentity.Normalize(customer.Kind.Value, customer.Source, customer.Value, "customer.");
        if (!key.IsOk)
        {
            return key.Error!;
        }

        var kind = customer.Kind.Value;
        var (source, value) = key.Value;
        var ownerId = await db.CustomerIdentities.Where(i => i.Kind == kind && i.Source == source && i.Value == value)
            .Select(i => (Guid?)i.CustomerId).FirstOrDefaultAsync(ct);
        if (ownerId is not null)
        {
            var owner = await db.Customers.Include(c => c.Identities).FirstAsync(c => c.Id == ownerId, ct);
            return owner;
        }

        var created = Customer.Create(Guid.CreateVersion7(now), customer.Name, customer.Language, null, null, now);
        if (!created.IsOk)
        {
            return Prefixed(created.Error!, "customer.");
        }

        var identity = CustomerIdentity.Create(created.Value.Id, kind, customer.Source, customer.Value, now, "customer.");
        created.Value.Identities.Add(identity.Value);
        db.Customers.Add(created.Value);
        db.Activities.Add(ActivityEntry.Create(actor, now, "customer", created.Value.Id, "created", new("identity", null, identity.Value.Display)));
        return created.Value;
    }

    public static async Task<Result<CustomerDto>> CreateAsync(KefuDbContext db, Actor actor, DateTimeOffset now, CreateCustomerRequest request, CancellationToken ct)
    {
        var created = Customer.Create(Guid.CreateVersion7(now), request.Name, request.Language, request.Attributes, request.Tags, now);
        var errors = new FieldErrors();
        errors.Include(created.Error);

        var identities = request.Identities ?? [];
        if (identities.Count > MaxIdentities)
        {
            errors.Add("identities", $"must contain at most {MaxIdentities} identities.");
        }

        var made = new List<CustomerIdentity>();
        for (var i = 0; i < identities.Count; i++)
        {
            var identity = MakeIdentity(Guid.Empty, identities[i], now, $"identities[{i}].");
            if (identity.IsOk)
            {
                made.Add(identity.Value);
            }
            else
            {
                errors.Include(identity.Error);
            }
        }

        if (errors.ToError() is { } fieldErrors)
        {
            return fieldErrors;
        }

        var customer = created.Value;
        foreach (var identity in made.DistinctBy(i => (i.Kind, i.Source, i.Value)))
        {
            identity.MoveTo(customer.Id);
            if (await OwnerAsync(db, identity, ct) is { } owner)
            {
                return new Conflict($"The identity {identity.Display} already belongs to customer {owner}.");
            }

            customer.Identities.Add(identity);
        }

        db.Customers.Add(customer);
        db.Activities.Add(ActivityEntry.Create(actor, now, "customer", customer.Id, "created"));
        return await SaveAsync(db, customer, ct);
    }

    public static async Task<Result<CustomerDto>> UpdateAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, int? expectedVersion, CustomerPatch patch, CancellationToken ct)
    {
        var customer = await db.Customers.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null)
        {
            return new NotFound("Customer", id.ToString());
        }

        if (expectedVersion is not null && expectedVersion != customer.Version)
        {
            return new Conflict($"The customer was changed by someone else (it is now at version {customer.Version}). Reload and apply your change again.");
        }

        var changes = customer.Apply(patch, now);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "customer", customer.Id, changes.Value));
        return await SaveAsync(db, customer, ct);
    }

    public static async Task<Result<CustomerDto>> AddIdentityAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, NewIdentity request, CancellationToken ct)
    {
        var customer = await db.Customers.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (customer is null)
        {
            return new NotFound("Customer", id.ToString());
        }

        if (customer.MergedIntoId is not null)
        {
            return new Conflict($"Customer {id} was merged into {customer.MergedIntoId}; add the identity there.");
        }

        var identity = MakeIdentity(customer.Id, request, now, "");
        if (!identity.IsOk)
        {
            return identity.Error!;
        }

        if (await OwnerAsync(db, identity.Value, ct) is { } owner)
        {
            return owner == customer.Id
                ? CustomerDto.From(customer)
                : new Conflict($"The identity {identity.Value.Display} already belongs to customer {owner}. Merge the customers to combine them.");
        }

        if (customer.Identities.Count >= MaxIdentities)
        {
            return Invalid.Field("value", $"a customer can have at most {MaxIdentities} identities.");
        }

        customer.Identities.Add(identity.Value);
        // Added explicitly: found only through the navigation, a new entity with its key already set is taken for an existing row (UPDATE, 0 rows).
        db.CustomerIdentities.Add(identity.Value);
        customer.Touch(now);
        db.Activities.Add(ActivityEntry.Create(actor, now, "customer", customer.Id, "identity_added", new("identity", null, identity.Value.Display)));
        return await SaveAsync(db, customer, ct);
    }

    public static async Task<Result<CustomerDto>> RemoveIdentityAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid id, Guid identityId, CancellationToken ct)
    {
        var customer = await db.Customers.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == id, ct);
        var identity = customer?.Identities.FirstOrDefault(i => i.Id == identityId);
        if (customer is null || identity is null)
        {
            return new NotFound(customer is null ? "Customer" : "Identity", (customer is null ? id : identityId).ToString());
        }

        customer.Identities.Remove(identity);
        db.CustomerIdentities.Remove(identity);
        customer.Touch(now);
        db.Activities.Add(ActivityEntry.Create(actor, now, "customer", customer.Id, "identity_removed", new("identity", identity.Display, null)));
        return await SaveAsync(db, customer, ct);
    }

    /// <summary>Merges a duplicate into the target: identities and conversations move, the duplicate points to the target.</summary>
    public static async Task<Result<CustomerDto>> MergeAsync(KefuDbContext db, Actor actor, DateTimeOffset now, Guid sourceId, Guid? targetId, CancellationToken ct)
    {
        if (targetId is null)
        {
            return Invalid.Field("targetId", "is required: the customer to keep.");
        }

        var source = await db.Customers.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == sourceId, ct);
        if (source is null)
        {
            return new NotFound("Customer", sourceId.ToString());
        }

        var target = await db.Customers.Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == targetId, ct);
        if (target is null)
        {
            return Invalid.Field("targetId", $"no customer has the id {targetId}.");
        }

        var changes = source.MergeInto(target, now);
        if (!changes.IsOk)
        {
            return changes.Error!;
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Activities.AddRange(ActivityEntry.Updated(actor, now, "customer", source.Id, changes.Value));
        db.Activities.Add(ActivityEntry.Create(actor, now, "customer", target.Id, "merged", new("mergedFrom", null, source.Id.ToString())));
        var saved = await SaveAsync(db, target, ct);
        if (!saved.IsOk)
        {
            return saved;
        }

        await db.Conversations.Where(c => c.CustomerId == source.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.CustomerId, target.Id), ct);
        await tx.CommitAsync(ct);
        return saved;
    }

    private static Result<CustomerIdentity> MakeIdentity(Guid customerId, NewIdentity request, DateTimeOffset now, string prefix) =>
        request.Kind is null
            ? Invalid.Field(prefix + "kind", "is required (email, phone, visitor_id or external).")
            : CustomerIdentity.Create(customerId, request.Kind.Value, request.Source, request.Value, now, prefix);

    private static Task<Guid?> OwnerAsync(KefuDbContext db, CustomerIdentity identity, CancellationToken ct) =>
        db.CustomerIdentities.Where(i => i.Kind == identity.Kind && i.Source == identity.Source && i.Value == identity.Value)
            .Select(i => (Guid?)i.CustomerId).FirstOrDefaultAsync(ct);

    private static async Task<Result<CustomerDto>> SaveAsync(KefuDbContext db, Customer customer, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return CustomerDto.From(customer);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new Conflict("The customer was changed by someone else at the same time. Reload and apply your change again.");
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            return new Conflict("One of the identities was just added to another customer.");
        }
    }

    private static Error Prefixed(Error error, string prefix) =>
        error is Invalid invalid ? new Invalid(invalid.Fields.ToDictionary(f => prefix + f.Key, f => f.Value)) : error;
}
