using Kefu.Server.Infrastructure;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Kefu.Core.Common;
using Kefu.Core.Llm;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Chat;

namespace Kefu.Server.Features.Llm;

/// <summary>The language model did not answer (unreachable, refused, timed out): callers fall back or show the message.</summary>
public sealed record LlmUnavailable(string Message) : Error(Message);

/// <summary>What the model said and how long it took.</summary>
public sealed record LlmReply(string Text, int Milliseconds);

/// <summary>The model's API key (see <see cref="StoredSecrets"/>).</summary>
public sealed class LlmSecrets(IDataProtectionProvider provider) : StoredSecrets(provider, "Kefu.Llm.ApiKey.v1");

/// <summary>
/// Talks to any OpenAI-compatible chat-completions endpoint through Microsoft.Extensions.AI's <see cref="IChatClient"/>
/// (the OpenAI client pointed at the configured base URL): OpenAI, Azure-compatible gateways, DeepSeek, Qwen/DashScope,
/// Ollama, vLLM… One attempt, no retries, bounded by the configured timeout: the bot falls back to its classic reply and
/// an agent can click again. Callers pass prompts built by <see cref="LlmPrompts"/>, which redact personal data.
/// </summary>
public sealed class LlmGateway(LlmSecrets secrets, ILogger<LlmGateway> log)
{
    private readonly ConcurrentDictionary<(string Url, string Model, string Key, int Timeout), IChatClient> clients = new();

    public async Task<Result<LlmReply>> CompleteAsync(LlmSettings settings, LlmPrompt prompt, CancellationToken ct, int? maxTokens = null)
    {
        string key;
        try
        {
            key = secrets.Unprotect(settings.ApiKeyProtected);
        }
        catch (CryptographicException)
        {
            return new LlmUnavailable("The stored API key cannot be decrypted (the key ring changed); enter the key again.");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(settings.TimeoutSeconds));
        var started = Stopwatch.GetTimestamp();
        try
        {
            var client = Client(settings.BaseUrl, settings.Model, key, settings.TimeoutSeconds);
            var response = await client.GetResponseAsync(
                [new Microsoft.Extensions.AI.ChatMessage(ChatRole.System, prompt.System), new Microsoft.Extensions.AI.ChatMessage(ChatRole.User, prompt.User)],
                new ChatOptions { MaxOutputTokens = maxTokens ?? settings.MaxTokens, Temperature = 0.2f }, timeout.Token);
            var ms = (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            log.LogInformation("Language model {Model} answered in {Milliseconds} ms", settings.Model, ms);
            return new LlmReply(response.Text.Trim(), ms);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            log.LogWarning("Language model {Model} at {Url} did not answer within {Seconds} s", settings.Model, settings.BaseUrl, settings.TimeoutSeconds);
            return new LlmUnavailable($"The language model did not answer within {settings.TimeoutSeconds} s.");
        }
        catch (ClientResultException e)
        {
            log.LogWarning("Language model {Model} at {Url} failed: {Status} {Message}", settings.Model, settings.BaseUrl, e.Status, e.Message);
            return new LlmUnavailable(e.Status switch
            {
                0 => $"Cannot reach the language model: {Short(e.Message)}",
                401 or 403 => $"The language model refused the API key (HTTP {e.Status}).",
                404 => $"The endpoint or model was not found (HTTP 404); check the base URL (usually ending in /v1) and the model name.",
                429 => "The language model is rate-limiting requests (HTTP 429); try again later.",
                _ => $"The language model answered HTTP {e.Status}: {Short(e.Message)}",
            });
        }
        catch (Exception e) when (e is HttpRequestException or IOException or InvalidOperationException or System.Text.Json.JsonException or ArgumentException or UriFormatException)
        {
            log.LogWarning(e, "Language model {Model} at {Url} failed", settings.Model, settings.BaseUrl);
            return new LlmUnavailable($"The language model failed: {Short(e.Message)}");
        }
    }

    private IChatClient Client(string url, string model, string key, int timeoutSeconds)
    {
        if (clients.Count > 16)
        {
            // Settings changed many times: drop the old clients rather than keep every combination ever tried.
            clients.Clear();
        }

        return clients.GetOrAdd((url, model, key, timeoutSeconds), k => new ChatClient(k.Model,
            // Servers without keys (a local Ollama or vLLM) ignore the header; the client needs some credential.
            new ApiKeyCredential(k.Key.Length > 0 ? k.Key : "none"),
            new OpenAIClientOptions
            {
                Endpoint = new Uri(k.Url),
                NetworkTimeout = TimeSpan.FromSeconds(k.Timeout + 1),
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            }).AsIChatClient());
    }

    private static string Short(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }
}
