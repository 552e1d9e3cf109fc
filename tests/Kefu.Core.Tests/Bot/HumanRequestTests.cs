using Kefu.Core.Bot;

namespace Kefu.Core.Tests.Bot;

public sealed class HumanRequestTests
{
    [Theory]
    [InlineData("转人工")]
    [InlineData("能转人工不")]
    [InlineData("我要人工客服处理退款")]
    [InlineData("麻煩轉接客服人員")]
    [InlineData("给我个真人")]
    [InlineData("真人呢")]
    [InlineData("叫你们经理来")]
    [InlineData("我要找你们主管")]
    [InlineData("请安排专人联系我")]
    [InlineData("让之前那位客服来跟我说")]
    [InlineData("客服人员在吗？不要机器人")]
    [InlineData("机器人没用")]
    [InlineData("我要跟人说话")]
    [InlineData("能不能给我打个电话，打字说不清楚")]
    [InlineData("为什么不能转人工")]
    [InlineData("talk to human")]
    [InlineData("Can I speak to a real person?")]
    [InlineData("ＡＧＥＮＴ please")]
    public void IsRequest_AskingForAPerson_True(string text) => Assert.True(HumanRequest.IsRequest(text), HumanRequest.Match(text) ?? "no match");

    [Theory]
    [InlineData("装空调的人工费多少钱")]
    [InlineData("窗帘你们包安装吗，人工另外收费吗")]
    [InlineData("人工智能手表有哪些")]
    [InlineData("这个人工钻石是真钻吗")]
    [InlineData("扫地机器人推荐哪款")]
    [InlineData("你们卖的机器人玩具安全吗")]
    [InlineData("不用人工了，谢谢")]
    [InlineData("不用转人工了")]
    [InlineData("客服回复很及时")]
    [InlineData("谢谢客服，辛苦")]
    [InlineData("有人买过这款吗，好用吗")]
    [InlineData("有真人实拍图吗")]
    [InlineData("机器人你好，查下我的订单")]
    [InlineData("")]
    public void IsRequest_OtherSenseOrNegated_False(string text) => Assert.False(HumanRequest.IsRequest(text), HumanRequest.Match(text));
}
