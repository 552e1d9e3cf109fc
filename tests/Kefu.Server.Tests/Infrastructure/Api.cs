using Kefu.Core.Customers;
using Kefu.Core.Tickets;
using Kefu.Server.Features.Conversations;
using Kefu.Server.Features.Customers;

namespace Kefu.Server.Tests.Infrastructure;

/// <summary>Routes and small builders for the data a test needs; every name, e-mail and tag is unique.</summary>
public static class Api
{
    public const string Conversations = "/api/v1/conversations";
    public const string Customers = "/api/v1/customers";
    public const string Teams = "/api/v1/teams";
    public const string Agents = "/api/v1/agents";
    public const string Categories = "/api/v1/categories";
    public const string Tokens = "/api/v1/tokens";

    public static string Email(string who = "customer") => $"{who}-{Unique.Id()}@customers.test";

    public static string Tag() => "t" + Unique.Id();

    /// <summary>A create-conversation request: an inbound first message from a customer found or created by e-mail.</summary>
    public static CreateConversationRequest NewConversation(
        string? email = null, string text = "Hello, I need help.", Channel channel = Channel.Chat, string? subject = null,
        IReadOnlyList<string>? tags = null, Priority? priority = null, Guid? customerId = null, string? customerName = null,
        Guid? assigneeId = null, Guid? teamId = null, Guid? categoryId = null, string? clientMessageId = null,
        MessageKind kind = MessageKind.Inbound) =>
        new(channel, subject, customerId,
            customerId is null ? new CustomerRef(IdentityKind.Email, null, email ?? Email(), customerName, null) : null,
            new NewMessage(kind, text, null, clientMessageId, null), priority, categoryId, tags, assigneeId, teamId);

    public static Task<ConversationDetail> CreateConversationAsync(this HttpClient http, CreateConversationRequest request) =>
        http.PostJsonAsync(Conversations, request).ReadAsync<ConversationDetail>(HttpStatusCode.Created);

    public static Task<ConversationDetail> CreateConversationAsync(this HttpClient http, string? tag = null, string text = "Hello, I need help.") =>
        http.CreateConversationAsync(NewConversation(text: text, tags: tag is null ? null : [tag]));

    public static Task<ConversationDetail> GetConversationAsync(this HttpClient http, object idOrNumber) =>
        http.GetAsync($"{Conversations}/{Uri.EscapeDataString(idOrNumber.ToString()!)}").ReadAsync<ConversationDetail>(HttpStatusCode.OK);

    public static Task<ConversationDto> PatchConversationAsync(this HttpClient http, Guid id, object patch) =>
        http.PatchJsonAsync($"{Conversations}/{id}", patch).ReadAsync<ConversationDto>(HttpStatusCode.OK);

    public static Task<Page<ConversationDto>> ListConversationsAsync(this HttpClient http, string query) =>
        http.GetAsync($"{Conversations}?{query}").ReadAsync<Page<ConversationDto>>(HttpStatusCode.OK);

    public static Task<CustomerDto> CreateCustomerAsync(this HttpClient http, string? name = null, params NewIdentity[] identities) =>
        http.PostJsonAsync(Customers, new CreateCustomerRequest(name, null, null, null, identities.Length == 0 ? [new(IdentityKind.Email, null, Email())] : identities))
            .ReadAsync<CustomerDto>(HttpStatusCode.Created);

    public static Task<CustomerDto> GetCustomerAsync(this HttpClient http, Guid id) =>
        http.GetAsync($"{Customers}/{id}").ReadAsync<CustomerDto>(HttpStatusCode.OK);

    public static Task<Page<CustomerDto>> ListCustomersAsync(this HttpClient http, string query) =>
        http.GetAsync($"{Customers}?{query}").ReadAsync<Page<CustomerDto>>(HttpStatusCode.OK);

    public static Task<List<ActivityDto>> ActivityAsync(this HttpClient http, string url) =>
        http.GetAsync(url).ReadAsync<List<ActivityDto>>(HttpStatusCode.OK);

    public static string Q(string value) => Uri.EscapeDataString(value);
}
