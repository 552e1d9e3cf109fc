using Kefu.Core.Common;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Kefu.Server.Infrastructure;

/// <summary>Documents a partial-update field (<see cref="Optional{T}"/>) as its inner type.</summary>
public static class OptionalSchema
{
    public static async Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(Optional<>))
        {
            return;
        }

        var inner = await context.GetOrCreateSchemaAsync(type.GetGenericArguments()[0], null, ct);
        schema.Type = inner.Type;
        schema.Format = inner.Format;
        schema.Items = inner.Items;
        schema.Enum = inner.Enum;
        schema.Properties = inner.Properties;
        schema.AdditionalProperties = inner.AdditionalProperties;
        schema.MaxLength = inner.MaxLength;
        schema.Description = "Omit to leave unchanged.";
    }
}
