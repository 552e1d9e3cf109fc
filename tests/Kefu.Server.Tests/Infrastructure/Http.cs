using System.Text;
using System.Text.Json.Serialization;
using Kefu.Server.Infrastructure;

namespace Kefu.Server.Tests.Infrastructure;

public static class Http
{
    /// <summary>The API's wire format (camelCase, snake_case enums); null fields are left out of requests.</summary>
    public static readonly JsonSerializerOptions Json = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Kefu.Server.Infrastructure.Json.Configure(options);
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        return options;
    }

    /// <summary>A JSON body: a string is sent as it is (for malformed or explicit-null JSON), anything else serialized.</summary>
    public static HttpContent Body(object body) =>
        new StringContent(body as string ?? JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json");

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient http, string url, object body) => http.PostAsync(url, Body(body));

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient http, string url, object body) => http.PutAsync(url, Body(body));

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient http, string url, object body, string? ifMatch = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, url) { Content = Body(body) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return http.SendAsync(request);
    }

    /// <summary>Asserts the status (showing the body when it differs) and reads the JSON body.</summary>
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.ExpectAsync(expected);
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidOperationException("The body was JSON null.");
    }

    public static async Task<T> ReadAsync<T>(this Task<HttpResponseMessage> response, HttpStatusCode expected) =>
        await (await response).ReadAsync<T>(expected);

    public static async Task<string> ExpectAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)expected} {expected}, got {(int)response.StatusCode} {response.StatusCode}: {body}");
        return body;
    }

    public static async Task<string> ExpectAsync(this Task<HttpResponseMessage> response, HttpStatusCode expected) =>
        await (await response).ExpectAsync(expected);

    /// <summary>Asserts an RFC 9457 problem with the status and returns it.</summary>
    public static async Task<Problem> ProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.ExpectAsync(expected);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var root = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, root.GetProperty("status").GetInt32());
        return new Problem(root);
    }

    public static async Task<Problem> ProblemAsync(this Task<HttpResponseMessage> response, HttpStatusCode expected) =>
        await (await response).ProblemAsync(expected);
}

/// <summary>A problem details body: title, detail and (for validation problems) the fields in error.</summary>
public sealed record Problem(JsonElement Root)
{
    public string? Title => Root.TryGetProperty("title", out var t) ? t.GetString() : null;

    public string Detail => Root.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";

    public IReadOnlyList<string> Fields => Root.TryGetProperty("errors", out var errors)
        ? errors.EnumerateObject().Select(e => e.Name).ToList()
        : [];

    /// <summary>Asserts that the problem names the field in its errors and returns the field's messages.</summary>
    public string[] Field(string name)
    {
        var messages = Root.TryGetProperty("errors", out var errors) && errors.TryGetProperty(name, out var found) ? found : (JsonElement?)null;
        Assert.True(messages is not null, $"Expected an error for '{name}' in {Root}");
        return messages.Value.EnumerateArray().Select(m => m.GetString() ?? "").ToArray();
    }

    public override string ToString() => Root.ToString();
}
