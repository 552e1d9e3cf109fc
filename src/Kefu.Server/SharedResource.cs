namespace Kefu.Server;

/// <summary>Marker for the UI strings in Resources/SharedResource*.resx (English and zh-CN).</summary>
public sealed class SharedResource
{
}
