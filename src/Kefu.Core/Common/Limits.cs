namespace Kefu.Core.Common;

/// <summary>Field size limits shared by validation, the database mapping and the API documentation.</summary>
public static class Limits
{
    public const int Name = 200;
    public const int Subject = 300;
    public const int MessageText = 65_536;
    public const int MessageHtml = 262_144;
    public const int Tag = 50;
    public const int MaxTags = 30;
    public const int IdentityValue = 320;
    public const int IdentitySource = 50;
    public const int Language = 16;
    public const int AttributeKey = 64;
    public const int AttributeValue = 1_000;
    public const int MaxAttributes = 50;
    public const int ClientMessageId = 100;
    public const int Description = 1_000;
    public const int Email = 320;
    public const int MaxAttachments = 20;
    public const int FileName = 255;
    public const int ContentType = 100;
    public const int Url = 2_000;
}
