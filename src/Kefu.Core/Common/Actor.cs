namespace Kefu.Core.Common;

public enum ActorKind
{
    Customer,
    Agent,
    Bot,
    System,
    Integration,

    /// <summary>An automation rule; its changes never trigger automation again.</summary>
    Automation,
}

/// <summary>Who made a change. Passed into every domain decision; never read from ambient state.</summary>
public sealed record Actor(ActorKind Kind, Guid? Id, string Name)
{
    public static readonly Actor System = new(ActorKind.System, null, "system");

    public static Actor Agent(Guid id, string name) => new(ActorKind.Agent, id, name);

    public static Actor Rule(Guid ruleId, string name) => new(ActorKind.Automation, ruleId, name);
}
