using System.Diagnostics;
using System.Net;
using System.Text;
using Kefu.Core.Bot.Flows;

namespace Kefu.Server.Features.BotFlows;

/// <summary>What one lookup call did, for the flow (the result) and for people (status, time, error) in the test console and logs.</summary>
public sealed record LookupCall(string StepId, string Url, LookupMethod Method, LookupResult Result, int? StatusCode, long ElapsedMs, int Tries, string? Error);

/// <summary>
/// Calls a flow's lookup: the shop's HTTP endpoint the admin configured. A named client that follows no redirect (the
/// secret and the customer's values go only where the admin said), the step's timeout per try, at most 256 KB read.
/// Never called inside a database transaction. 2xx → found (the body must be JSON), 404 → not found, anything else
/// (another status, a timeout, a refused connection) → failed, tried again up to the step's retries.
/// </summary>
public sealed class FlowLookup(IHttpClientFactory clients, FlowSecrets secrets, ILogger<FlowLookup> log)
{
    public const string HttpClientName = "bot-flow-lookup";
    public const int MaxResponseBytes = 256 * 1024;

    public static void Configure(IServiceCollection services)
    {
        services.AddSingleton<FlowSecrets>();
        services.AddScoped<FlowLookup>();
        services.AddHttpClient(HttpClientName, c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan;
                c.DefaultRequestHeaders.UserAgent.ParseAdd("Kefu-Bot/1.0");
                c.DefaultRequestHeaders.Accept.ParseAdd("application/json");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(10),
            });
    }

    public async Task<LookupCall> RunAsync(BotFlow flow, LookupRequest request, CancellationToken ct)
    {
        var step = flow.Step(request.StepId);
        var watch = Stopwatch.StartNew();
        var tries = 0;
        LookupCall? last = null;
        while (tries <= request.Retries)
        {
            tries++;
            last = await TryOnceAsync(step, request, watch, tries, ct);
            if (last.Result.Status != LookupStatus.Failed)
            {
                break;
            }
        }

        if (last!.Result.Status == LookupStatus.Failed)
        {
            log.LogWarning("Bot flow {Flow} lookup {Step} failed after {Tries} tries: {Error}", flow.Name, request.StepId, tries, last.Error);
        }

        return last;
    }

    private async Task<LookupCall> TryOnceAsync(FlowStep? step, LookupRequest request, Stopwatch watch, int tries, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(request.TimeoutSeconds));
        int? status = null;
        try
        {
            using var message = new HttpRequestMessage(request.Method == LookupMethod.Post ? HttpMethod.Post : HttpMethod.Get, request.Url);
            if (request.Body is not null)
            {
                message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
            }

            if (!string.IsNullOrEmpty(request.HeaderName) && secrets.Unprotect(step?.SecretProtected) is { Length: > 0 } secret)
            {
                message.Headers.TryAddWithoutValidation(request.HeaderName, secret);
            }

            using var response = await clients.CreateClient(HttpClientName).SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return Call(new(LookupStatus.NotFound), null);
            }

            if (!response.IsSuccessStatusCode)
            {
                return Call(new(LookupStatus.Failed), $"the lookup answered HTTP {status}.");
            }

            var body = await ReadAsync(response, timeout.Token);
            return body is null
                ? Call(new(LookupStatus.Failed), $"the answer is larger than {MaxResponseBytes / 1024} KB.")
                : Call(new(LookupStatus.Found, body), null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return Call(new(LookupStatus.Failed), $"no answer within {request.TimeoutSeconds} s.");
        }
        catch (HttpRequestException e)
        {
            return Call(new(LookupStatus.Failed), e.Message);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return Call(new(LookupStatus.Failed), "the stored secret cannot be decrypted (the key ring changed); enter it again.");
        }

        LookupCall Call(LookupResult result, string? error) => new(request.StepId, request.Url, request.Method, result, status, watch.ElapsedMilliseconds, tries, error);
    }

    private static async Task<string?> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
