using Kefu.Core.Bot;

namespace Kefu.Assistant.Models;

/// <summary>
/// The message-level part of the handoff decision, as the <c>eval handoff</c> labels it: a request for a person
/// wins over negative emotion (an angry customer who asks for a person is routed as a request).
/// </summary>
public static class HandoffDetector
{
    public const string HumanRequest = "human_request";
    public const string NegativeEmotion = "negative_emotion";
    public const string None = "none";

    public static string Classify(string text) =>
        Kefu.Core.Bot.HumanRequest.IsRequest(text) ? HumanRequest
        : EmotionLexicon.IsNegative(text) ? NegativeEmotion
        : None;
}
