namespace Kefu.Core.Bot.Flows;

/// <summary>Flows an admin can create with one click and adapt.</summary>
public static class FlowTemplates
{
    public const string OrderStatusKey = "order_status";

    public static IReadOnlyList<string> Keys => [OrderStatusKey];

    /// <summary>
    /// Order status · 订单查询: ask for the order number, GET the shop's lookup (its URL is left empty, so the flow stays
    /// disabled until the admin sets it), answer with the status, or say nothing was found. The lookup is expected to
    /// answer JSON like <c>{"status": "已发货", "trackingNumber": "SF1234567890"}</c>; the mapping is editable.
    /// </summary>
    public static BotFlowContent OrderStatus() => new(
        "订单查询 · Order status",
        Enabled: false,
        InboxIds: [],
        TriggersZh: ["订单到哪", "订单状态", "查订单", "查询订单", "订单查询", "查物流", "物流信息", "快递到哪", "什么时候发货", "发货了吗"],
        TriggersEn: ["where is my order", "order status", "track my order", "track order", "where's my order", "has my order shipped"],
        FaqKey: null,
        Steps:
        [
            new FlowStep
            {
                Id = "ask_order", Kind = FlowStepKind.Ask, Slot = "order_number", SlotType = SlotType.OrderNumber, MaxAttempts = 3,
                PromptZh = "好的，我帮您查一下。请告诉我您的订单号（例如 A20240518001）。",
                PromptEn = "Sure, I'll look it up. What is your order number (for example A20240518001)?",
                RetryZh = "这个订单号好像不太对，请再发一次（字母和数字，例如 A20240518001）。输入“取消”可退出。",
                RetryEn = "That doesn't look like an order number. Please send it again (letters and digits, e.g. A20240518001), or type \"cancel\".",
            },
            new FlowStep
            {
                Id = "lookup_order", Kind = FlowStepKind.Lookup, Method = LookupMethod.Get, Url = "", TimeoutSeconds = 5, Retries = 1,
                Map = [new("status", "status"), new("tracking", "trackingNumber")],
                OnNotFound = "not_found",
            },
            new FlowStep
            {
                Id = "answer", Kind = FlowStepKind.Reply, Next = FlowStep.End,
                TextZh = "订单 {{order_number}} 的状态：{{status}}。物流单号：{{tracking}}。还有其他问题可以继续问我。",
                TextEn = "Order {{order_number}}: {{status}}. Tracking number: {{tracking}}. Anything else I can help with?",
            },
            new FlowStep
            {
                Id = "not_found", Kind = FlowStepKind.Reply, Next = FlowStep.End,
                TextZh = "没有找到订单 {{order_number}}，请核对订单号后再问我一次，或输入“转人工”联系客服。",
                TextEn = "I couldn't find order {{order_number}}. Please check the number and ask again, or type \"agent\" to talk to a person.",
            },
        ]);
}
