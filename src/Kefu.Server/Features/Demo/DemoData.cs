using Kefu.Core.Agents;
using Kefu.Core.Tickets;

namespace Kefu.Server.Features.Demo;

internal sealed record DemoTeam(string Key, string Name, string Description);

internal sealed record DemoAgent(string Email, string Name, AgentRole Role, string[] Teams, string Language);

/// <summary>A customer of the demo shop. Email is the local part; the seeder adds a domain and the other identities.</summary>
internal sealed record DemoCustomer(string Name, string Language, string Email, string City, string Level, string? Company, string[] Tags);

internal enum StepKind
{
    In,
    Out,
    Note,
    Bot,
    Status,
    AutoClose,
    Transfer,
    Wait,
    Raise,
    TagCustomer,
}

/// <summary>
/// One step of a scripted conversation. Texts may use {agent} (the assignee), {colleague} (another agent, for
/// @mentions), {next} (the agent a transfer goes to), {name}, {first}, {email}, {phone}, {city}, {company} (the
/// customer), {order}, {tracking}, {product}, {amount}, {code}, {bug}, {invoice}.
/// </summary>
internal sealed record Step(StepKind Kind, string Text = "", ConversationStatus Status = ConversationStatus.Open,
    string? Team = null, double Hours = 0, Priority Priority = Priority.Normal, Attachment? Attachment = null);

/// <summary>A scripted inquiry: what it is about, where it goes, and how it went.</summary>
internal sealed record Scenario(
    string Language, string Category, string Team, Priority Priority, Channel[] Channels, string Subject, string[] Tags,
    Step[] Steps, bool BySupervisor = false);

/// <summary>The content of <c>seed --demo</c>: a Chinese e-commerce shop and an English SaaS product sharing one help desk.</summary>
internal static class DemoData
{
    public const string Domain = "demo.kefu.local";

    public static readonly DemoTeam[] Teams =
    [
        new("presales", "售前咨询 Pre-sales", "商品、库存、优惠与企业采购咨询 · Product questions, stock, promotions and business purchases."),
        new("aftersales", "售后服务 After-sales", "订单、物流、退换货、发票与投诉 · Orders, delivery, returns, invoices, billing and complaints."),
        new("tech", "技术支持 Technical support", "App、设备、账户与 API 问题 · App, device, account and API issues."),
        new("vip", "VIP 专属 VIP care", "钻石会员与企业大客户的专属通道 · The fast lane for diamond members and enterprise accounts."),
    ];

    public static readonly DemoAgent[] Agents =
    [
        new($"zhang.wei@{Domain}", "张伟", AgentRole.Supervisor, ["presales", "aftersales"], "zh-CN"),
        new($"li.na@{Domain}", "李娜", AgentRole.Agent, ["presales"], "zh-CN"),
        new($"wang.fang@{Domain}", "王芳", AgentRole.Agent, ["aftersales", "vip"], "zh-CN"),
        new($"liu.yang@{Domain}", "刘洋", AgentRole.Agent, ["aftersales", "tech"], "zh-CN"),
        new($"chen.jing@{Domain}", "陈静", AgentRole.Agent, ["tech"], "zh-CN"),
        new($"zhao.min@{Domain}", "赵敏", AgentRole.Supervisor, ["vip", "aftersales"], "zh-CN"),
        new($"emily.zhou@{Domain}", "Emily Zhou", AgentRole.Supervisor, ["tech", "vip", "aftersales"], "en"),
        new($"david.liu@{Domain}", "David Liu", AgentRole.Agent, ["tech", "presales"], "en"),
    ];

    public static readonly DemoCustomer[] Customers =
    [
        new("王秀英", "zh-CN", "wangxiuying", "上海", "钻石会员", null, ["vip"]),
        new("李明", "zh-CN", "liming88", "北京", "金卡会员", null, ["vip"]),
        new("张丽", "zh-CN", "zhangli.sh", "广州", "银卡会员", null, []),
        new("刘强", "zh-CN", "liuqiang", "深圳", "普通会员", "深圳前海智联科技有限公司", ["wholesale"]),
        new("陈杰", "zh-CN", "chenjie1990", "杭州", "金卡会员", null, []),
        new("杨静", "zh-CN", "yangjing", "成都", "普通会员", null, []),
        new("黄磊", "zh-CN", "huanglei", "武汉", "银卡会员", null, []),
        new("赵婷", "zh-CN", "zhaoting", "南京", "金卡会员", null, ["vip"]),
        new("周鹏", "zh-CN", "zhoupeng", "西安", "普通会员", null, []),
        new("吴敏", "zh-CN", "wumin", "苏州", "银卡会员", null, []),
        new("徐涛", "zh-CN", "xutao", "重庆", "普通会员", null, []),
        new("孙悦", "zh-CN", "sunyue", "天津", "金卡会员", null, []),
        new("朱琳", "zh-CN", "zhulin", "长沙", "普通会员", null, []),
        new("胡斌", "zh-CN", "hubin", "郑州", "银卡会员", "郑州华源商贸有限公司", ["wholesale"]),
        new("郭晓燕", "zh-CN", "guoxiaoyan", "青岛", "普通会员", null, []),
        new("何俊", "zh-CN", "hejun", "厦门", "金卡会员", null, []),
        new("高雪", "zh-CN", "gaoxue", "沈阳", "普通会员", null, []),
        new("罗欣", "zh-CN", "luoxin", "昆明", "银卡会员", null, []),
        new("郑浩", "zh-CN", "zhenghao", "合肥", "普通会员", null, []),
        new("梁晨", "zh-CN", "liangchen", "佛山", "普通会员", null, []),
        new("谢芳", "zh-CN", "xiefang", "福州", "钻石会员", null, ["vip"]),
        new("宋雨", "zh-CN", "songyu", "济南", "普通会员", null, []),
        new("韩梅", "zh-CN", "hanmei", "大连", "银卡会员", null, []),
        new("冯军", "zh-CN", "fengjun", "无锡", "普通会员", null, []),
        new("程曦", "zh-CN", "chengxi", "宁波", "金卡会员", null, []),
        new("袁野", "zh-CN", "yuanye", "南昌", "普通会员", null, []),
        new("沈洁", "zh-CN", "shenjie", "上海", "银卡会员", null, []),
        new("彭亮", "zh-CN", "pengliang", "长春", "普通会员", null, []),
        new("Michael Brown", "en", "michael.brown", "Shanghai", "Enterprise", "Northwind Traders", ["vip"]),
        new("Emma Wilson", "en", "emma.wilson", "Berlin", "Team", "Contoso Ltd", []),
        new("James Taylor", "en", "james.taylor", "Singapore", "Business", "Fabrikam Inc.", []),
        new("Olivia Martin", "en", "olivia.martin", "Toronto", "Starter", null, []),
        new("Daniel Lee", "en", "daniel.lee", "Shenzhen", "Business", "Tailspin Toys", []),
        new("Priya Sharma", "en", "priya.sharma", "Bengaluru", "Team", "Adventure Works", []),
        new("Lucas Schmidt", "en", "lucas.schmidt", "Munich", "Business", "Litware GmbH", []),
        new("Hannah Becker", "en", "hannah.becker", "Vienna", "Starter", null, []),
        new("Carlos Romero", "en", "carlos.romero", "Madrid", "Enterprise", "Wide World Importers", ["vip"]),
        new("Aiko Tanaka", "en", "aiko.tanaka", "Beijing", "Team", "Proseware", []),
    ];

    /// <summary>Shop products with their price in yuan.</summary>
    public static readonly (string Name, int Price)[] Products =
    [
        ("无线降噪耳机 Pro", 899), ("智能手表 S3", 1299), ("空气炸锅 5L", 399), ("扫地机器人 X10", 2499),
        ("电动牙刷 T7", 259), ("蓝牙音箱 Mini", 199), ("破壁料理机", 659), ("儿童学习桌", 1580), ("空气净化器 A2", 1199),
    ];

    public static readonly string[] SubscriptionAmounts = ["$49.00", "$147.00", "$294.00", "$588.00"];

    public static readonly string[] FallbackCompanies = ["上海启明贸易有限公司", "杭州云帆电子商务有限公司", "北京星河文化传媒有限公司"];

    private static Step In(string text, Attachment? attachment = null) => new(StepKind.In, text, Attachment: attachment);

    private static Step Out(string text, Attachment? attachment = null) => new(StepKind.Out, text, Attachment: attachment);

    private static Step Note(string text) => new(StepKind.Note, text);

    private static Step Bot(string text) => new(StepKind.Bot, text);

    private static Step Transfer(string team, string note) => new(StepKind.Transfer, note, Team: team);

    private static Step Wait(double hours) => new(StepKind.Wait, Hours: hours);

    private static Step Raise(Priority priority) => new(StepKind.Raise, Priority: priority);

    private static Step TagCustomer(string tag) => new(StepKind.TagCustomer, tag);

    /// <summary>Closed by automation this many hours after the resolution, when the customer did not come back.</summary>
    private static Step AutoClose(double hours) => new(StepKind.AutoClose, Hours: hours);

    private static readonly Step Pending = new(StepKind.Status, Status: ConversationStatus.Pending);
    private static readonly Step Hold = new(StepKind.Status, Status: ConversationStatus.OnHold);
    private static readonly Step Resolve = new(StepKind.Status, Status: ConversationStatus.Resolved);
    private static readonly Step Close = new(StepKind.Status, Status: ConversationStatus.Closed);

    private static Attachment File(string name, string type, long size) => new(name, type, size, null);

    public static readonly Scenario[] Chinese =
    [
        new("zh-CN", "order_status", "aftersales", Priority.Normal, [Channel.Chat, Channel.Api, Channel.Phone], "订单一直显示待发货", ["order_delay"],
        [
            In("你好，我 3 天前下的订单 {order} 到现在还显示“待发货”，怎么回事？"),
            Out("您好，我是客服{agent}，很高兴为您服务～我这边帮您查一下订单 {order}，请稍等 1 分钟。"),
            Note("仓储系统显示{product}这一批次补货延迟，预计明天上午出库。"),
            Out("让您久等了。您购买的{product}这两天在补货，仓库预计明天上午发出，发货后系统会短信通知您物流单号。给您带来不便非常抱歉！"),
            In("好吧，那明天一定要发啊，我周末要用。"),
            Out("好的，我已经给仓库备注了加急，明天出库后我会再跟进一次，确保周末前送到。"),
            In("行，谢谢。"),
            Resolve,
        ]),
        new("zh-CN", "delivery_logistics", "aftersales", Priority.High, [Channel.Chat, Channel.Api], "快递显示已签收但未收到", ["logistics", "lost_package"],
        [
            In("快递显示已经签收了，但我根本没收到！单号 {tracking}"),
            Out("您好，非常抱歉给您带来困扰。麻烦您先看一下小区快递柜、门卫或附近驿站，有时快递员会放在代收点。"),
            In("都看过了，没有。"),
            Note("已电话联系站点，快递员承认放在了隔壁楼驿站且未通知客户。@{colleague} 这个站点本月第二次违规签收，请记录到物流问题汇总。"),
            Out("已和快递站点核实，包裹放在了您小区 3 号楼旁的驿站，取件码 {code}。给您添麻烦了，我们已就快递员未经同意代签收向快递公司投诉。"),
            In("拿到了，谢谢！"),
            Resolve,
            AutoClose(50),
        ]),
        new("zh-CN", "return_exchange", "aftersales", Priority.Normal, [Channel.Chat, Channel.WebForm, Channel.Api], "羽绒服尺码偏小申请换货", ["exchange"],
        [
            In("我买的羽绒服尺码偏小，能换大一码吗？吊牌还在，没穿出去过。"),
            Out("您好，支持 7 天无理由换货哦。麻烦您提供一下订单号，以及吊牌和外包装的照片，我这边帮您提交换货申请。"),
            Pending,
        ]),
        new("zh-CN", "return_exchange", "aftersales", Priority.High, [Channel.Chat, Channel.Phone, Channel.Api], "退货已寄回，退款未到账", ["refund", "加急"],
        [
            In("退货已经寄回去 5 天了，¥{amount} 的退款还没到账，订单号 {order}。"),
            Out("您好，我查到您的退货包裹已于前天签收，目前在仓库质检环节，质检通过后 1–3 个工作日原路退款。"),
            In("怎么这么慢？这钱我急用。"),
            Note("@{colleague} 麻烦帮忙催一下退货仓质检，客户比较着急，今天能否出结果？"),
            Out("理解您的心情。我已经联系仓库加急质检，有结果会第一时间通知您，请您放心。"),
            Hold,
        ]),
        new("zh-CN", "billing_payment", "aftersales", Priority.Normal, [Channel.Email, Channel.WebForm], "申请开具增值税专用发票", ["invoice"],
        [
            In("您好：\n我司需要为订单 {order} 开具增值税专用发票，抬头为{company}。请问需要提供哪些资料？\n谢谢！"),
            Out("您好！开具增值税专用发票需要以下信息：\n1. 公司名称\n2. 纳税人识别号\n3. 注册地址及电话\n4. 开户行及账号\n请直接回复本邮件提供，我们会在 3 个工作日内开具电子专票并发送到您的邮箱。\n\n客服 {agent}"),
            In("开票资料见附件，麻烦尽快开具，月底前要入账。", File("开票信息.pdf", "application/pdf", 48_213)),
            Note("资料已核对无误，已提交财务开票。@{colleague} 财务那边如有疑问请转给我。"),
            Out("您好，电子专票已开具并发送至您的邮箱，请注意查收。如有其他问题欢迎随时联系我们。\n\n客服 {agent}"),
            Resolve,
        ]),
        new("zh-CN", "membership_loyalty", "aftersales", Priority.Normal, [Channel.Chat, Channel.Api], "会员积分被清零", ["points"],
        [
            In("我的会员积分怎么少了 2000 分？"),
            Out("您好，帮您查询到有 2000 积分于上月底到期清零（积分有效期为获得后 12 个月）。"),
            In("到期前也没人提醒我啊，能不能恢复？"),
            Note("客户近一年消费稳定，按会员政策可申请一次过期积分恢复，已提交。"),
            Out("考虑到您一直支持我们，已特别为您申请恢复 2000 积分，24 小时内到账。以后积分到期前 30 天我们会短信提醒您。"),
            In("好的，谢谢你！"),
            Resolve,
            Close,
        ]),
        new("zh-CN", "complaint", "aftersales", Priority.High, [Channel.Phone], "上门安装多次爽约", ["installation", "投诉"],
        [
            In("（来电）我已经是第三次打电话了！说好的上门安装一直没人来，你们到底怎么回事？"),
            Out("（电话中）非常抱歉让您多次来电。我是客服{agent}，这个问题由我全程负责，今天一定给您一个确定的上门时间。"),
            Note("@{colleague} 安装师傅两次爽约，请协调今天下午优先上门，已登记为服务投诉。"),
            Out("（回电）已为您安排今天下午 3 点到 5 点上门安装，师傅出发前会电话联系您。另外为表歉意，已向您的账户发放一张 50 元无门槛优惠券。"),
            Wait(5),
            In("（来电）师傅已经来装好了，这次挺顺利的。"),
            Resolve,
        ]),
        new("zh-CN", "app_website_fault", "aftersales", Priority.High, [Channel.Chat, Channel.Api], "App 更新后打开闪退", ["app_crash", "bug"],
        [
            In("App 更新到最新版后一打开就闪退，手机是华为 Mate 60。"),
            Out("您好，非常抱歉给您带来不便。请问您尝试过清除缓存或者卸载重装吗？方便的话告诉我一下 App 版本号（我的 → 设置 → 关于）。"),
            In("重装了也不行，版本是 5.8.2。"),
            Transfer("tech", "技术问题转技术支持。@{next} 客户 App 5.8.2 在华为 Mate 60 上启动闪退，重装无效，麻烦跟进。"),
            Note("已复现：5.8.2 在 HarmonyOS 4 部分机型上启动崩溃，已提交研发 BUG-{bug}。"),
            Out("您好，我是技术支持{agent}。已确认是新版本在部分机型上的兼容问题，研发正在紧急修复，预计本周内发布 5.8.3。修复后我会第一时间通知您，在此期间可以先用小程序下单。"),
            Hold,
        ]),
        new("zh-CN", "technical_support", "tech", Priority.Normal, [Channel.Chat, Channel.Api], "扫地机器人连不上 WiFi", ["wifi", "device"],
        [
            In("扫地机器人连不上 WiFi，一直提示配网失败。"),
            Out("您好，扫地机只支持 2.4GHz 频段的 WiFi。请确认路由器没有只开启 5GHz，且 WiFi 名称里没有特殊字符或表情符号。"),
            In("路由器是双频合一的，要怎么弄？"),
            Out("可以在路由器管理页面暂时关闭“双频合一”，单独开一个 2.4GHz 的网络，配网成功后再打开也不影响使用。"),
            In("可以了，连上了！"),
            Out("太好了～祝您使用愉快，有问题随时找我们。"),
            Resolve,
        ]),
        new("zh-CN", "product_information", "presales", Priority.Low, [Channel.Chat], "智能手表 S3 防水吗", [],
        [
            In("你好，这款智能手表 S3 防水吗？洗澡能戴吗？"),
            Bot("您好，我是智能助手～智能手表 S3 支持 5ATM 防水。您是不是想问：1. 游泳时可以佩戴吗？ 2. 手表进水了怎么办？ 3. 防水等级是什么意思？"),
            In("转人工，我想问洗热水澡可以吗"),
            Out("您好，我是客服{agent}。S3 日常洗手、游泳都没问题，但不建议洗热水澡或蒸桑拿，高温蒸汽会加速防水胶圈老化哦。"),
            In("明白了，谢谢"),
            Resolve,
            AutoClose(49),
        ]),
        new("zh-CN", "stock_availability", "presales", Priority.Low, [Channel.Chat, Channel.Api], "羽绒服 XL 码何时到货", ["restock"],
        [
            In("羽绒服藏青色 XL 码什么时候有货？"),
            Out("您好，藏青色 XL 预计下周三补货到仓。您可以在商品页点击“到货提醒”，到货后会第一时间通知您～"),
            In("好的，已经点了。"),
            Resolve,
        ]),
        new("zh-CN", "promotions_discounts", "presales", Priority.Normal, [Channel.Chat], "满减券无法使用", ["coupon"],
        [
            In("满 300 减 50 的券为什么用不了？购物车里都 400 多了。"),
            Out("您好，这张券仅限自营商品使用，您购物车里有两件是第三方店铺的商品，不参与满减。把自营商品单独结算就可以用啦。"),
            In("好的，可以了，谢谢"),
            Resolve,
            Close,
        ]),
        new("zh-CN", "urgent_service", "vip", Priority.Urgent, [Channel.Phone, Channel.Chat], "酒店订单紧急取消", ["cancellation", "加急"],
        [
            In("我预订的明天入住的酒店（订单 {order}）要马上取消，家里老人住院了，能全额退款吗？"),
            Note("紧急：该房型为不可取消房型，需联系酒店协商。@{colleague} 如果 30 分钟内酒店没回复，请帮忙升级到商务经理。"),
            Out("您好，非常理解您的情况，请先照顾好家人。这个房型原则上不可取消，我已直接联系酒店为您争取免费取消，30 分钟内给您答复。"),
            Out("已和酒店沟通成功，订单已免费取消，¥{amount} 将在 1–3 个工作日原路退回。祝老人家早日康复。"),
            In("太感谢了，帮了大忙！"),
            Resolve,
        ]),
        new("zh-CN", "warranty", "aftersales", Priority.Normal, [Channel.Chat, Channel.WebForm], "耳机左耳无声，申请保修", ["warranty"],
        [
            In("耳机用了 8 个月，左耳突然没声音了，还在保修期吗？"),
            Out("您好，耳机整机保修 1 年，您的耳机在保修期内。请问左耳是完全没声音，还是连接后偶尔有声音？"),
            In("完全没声音，重新配对也不行。"),
            Out("好的，这种情况需要寄修检测。麻烦您提供一下订单号，我直接帮您提交保修申请并安排快递免费上门取件。"),
            Pending,
        ]),
        new("zh-CN", "account_management", "tech", Priority.Normal, [Channel.Chat, Channel.Phone], "旧手机号停用，无法换绑", ["account"],
        [
            In("以前的手机号停用了，收不到验证码，怎么换绑新手机？"),
            Out("您好，为了保障账户安全，需要先核验身份：请提供账户绑定的邮箱、最近一笔订单的订单号和收货人姓名。"),
            In("邮箱 {email}，最近一笔订单 {order}，收货人{name}。"),
            Note("身份核验通过（邮箱、订单、收货人一致），已解除旧手机号绑定。"),
            Out("身份核验通过，已为您解除旧手机号绑定。请登录后在“账户安全”里绑定新手机号即可。"),
            Resolve,
        ]),
        new("zh-CN", "data_privacy_security", "tech", Priority.Urgent, [Channel.Phone, Channel.Chat, Channel.Api], "账号在异地登录", ["security"],
        [
            In("我收到短信说我的账号在外地登录了，我根本没登录过！"),
            Out("您好，请立即修改登录密码。我这边已先为您的账户开启安全保护，暂时冻结了支付功能。"),
            Note("@{colleague} 疑似撞库：异常登录 IP 位于境外，登录后仅浏览了订单列表，请安全组核查同一 IP 的其他账户。"),
            In("密码改好了，我的余额和积分没被动吧？"),
            Out("已为您核查，异常登录期间没有发生任何交易，余额和积分都正常。支付功能已恢复，建议您在“账户安全”里开启登录二次验证。"),
            In("好的，已经开了。"),
            Resolve,
            AutoClose(60),
        ]),
        new("zh-CN", "business_wholesale", "presales", Priority.Normal, [Channel.Email, Channel.WebForm], "企业批量采购咨询", ["b2b", "quote"],
        [
            In("您好，我们公司计划采购 200 台{product}作为年会礼品，请问有企业采购价吗？需要开增值税专用发票。\n\n{name}\n{company}"),
            Out("{name}您好，感谢您的关注！200 台可以享受企业采购价，并支持开具专票。我已将需求转给大客户经理，方便留一下您的联系电话和期望交货时间吗？\n\n客服 {agent}"),
            In("电话 {phone}，希望下月 15 号前交货。"),
            TagCustomer("wholesale"),
            Note("@{colleague} 企业客户采购 200 台{product}，下月 15 号前交货，请今天内联系报价。客户已打上 wholesale 标签。"),
            Out("已安排大客户经理今天下午与您联系，正式报价单也会同步发到您的邮箱，请您确认后回复我们即可。\n\n客服 {agent}"),
            Pending,
        ]),
        new("zh-CN", "event_participation", "presales", Priority.Low, [Channel.Chat, Channel.Api], "周年庆抽奖在哪里参加", ["campaign"],
        [
            In("周年庆的抽奖活动在哪里参加？"),
            Out("您好，打开 App 首页点击“周年庆”横幅就能参加，每天有 3 次抽奖机会，当天下单还能额外多 1 次哦～"),
            Resolve,
            AutoClose(72),
        ]),
        new("zh-CN", "after_sales_follow_up", "aftersales", Priority.Low, [Channel.Phone, Channel.Api], "售后回访：更换新机后的使用情况", ["follow_up"],
        [
            Out("{name}您好，我是客服{agent}。您上周反馈的{product}异响问题，更换新机后使用还正常吗？如还有问题请随时告诉我们。"),
            In("新机很好，没有异响了，谢谢回访。"),
            Out("不客气，祝您生活愉快！"),
            Resolve,
            Close,
        ]),
        new("zh-CN", "complaint", "aftersales", Priority.Normal, [Channel.Chat, Channel.Phone], "投诉客服服务态度", ["投诉", "service_quality"],
        [
            In("你们客服态度太差了！问个问题半天不回，回了也答非所问，我要投诉！"),
            Raise(Priority.High),
            Out("非常抱歉给您带来不好的体验。我是客服主管{agent}，您能告诉我是哪一次咨询吗？我来核实处理。"),
            In("昨天下午在线咨询退款的那次。"),
            Note("已调取昨天下午的会话记录：回复间隔超过 10 分钟且没有解答退款问题。@{colleague} 请安排质检复盘并辅导。"),
            Out("已经核实，昨天的服务确实没有做到位，我们会对相关同事进行辅导。您的退款我现在就帮您加急处理，今天内到账。"),
            In("行吧，希望以后别这样了。"),
            Resolve,
        ], BySupervisor: true),
        new("zh-CN", "product_usage_guidance", "presales", Priority.Low, [Channel.Chat, Channel.Api], "空气炸锅第一次使用有异味", ["usage"],
        [
            In("空气炸锅第一次用有股塑料味，正常吗？"),
            Out("您好，新机第一次使用有轻微异味是正常的。建议先空锅 200℃ 运行 10 分钟，再用清水加少许洗洁精清洗炸篮，晾干后就可以正常使用了。"),
            In("好的我试试"),
            Wait(1),
            In("空烧之后没味道了，谢谢！"),
            Resolve,
            AutoClose(50),
        ]),
        new("zh-CN", "subscription_management", "aftersales", Priority.Normal, [Channel.Chat, Channel.Api], "取消会员自动续费并退款", ["auto_renew", "refund"],
        [
            In("怎么取消自动续费？这个月又被扣了 ¥25。"),
            Out("您好，您可以在 App “我的 → 会员 → 自动续费管理” 中关闭。查询到本月扣费发生在 2 天前，会员权益尚未使用，可以为您申请退款。"),
            In("已经关了，帮我退一下吧。"),
            Out("好的，已为您提交退款，¥25 将在 1–3 个工作日原路退回。"),
            Resolve,
        ]),
        new("zh-CN", "environmental_social_responsibility", "aftersales", Priority.Low, [Channel.WebForm, Channel.Email], "建议减少快递塑料包装", ["feedback", "packaging"],
        [
            In("问题类型：意见建议\n描述：每次买个小东西都是大纸箱加一堆气泡膜，太浪费了，能不能少用点塑料包装？"),
            Out("您好，感谢您的建议！我们已经在部分仓库试点可降解包装，下单时在备注中勾选“简易包装”即可。您的意见已反馈给仓储部门。"),
            Resolve,
            AutoClose(72),
        ]),
        new("zh-CN", "multi_language_support", "presales", Priority.Low, [Channel.Email, Channel.Chat], "需要英文版说明书", ["manual"],
        [
            In("请问智能手表 S3 有英文版说明书吗？想送给在国外的朋友。"),
            Out("您好，有的。英文版电子说明书可以在官网“服务支持 → 说明书下载”中找到，手表的系统语言也可以在设置中切换为英文。下载链接已发到您的邮箱。"),
            In("收到了，谢谢！"),
            Resolve,
        ]),
        new("zh-CN", "personalised_service", "vip", Priority.Normal, [Channel.Chat, Channel.Api], "生日礼物刻字定制", ["engraving", "gift"],
        [
            In("下个月我老婆生日，想买那款银手链刻字，可以刻中文吗？"),
            Out("您好，可以的！支持刻中文，最多 8 个字（或 12 个英文字符），刻字商品制作周期 3–5 天。请问您想刻什么内容、希望哪天送达？"),
            In("刻“岁岁平安”可以吗？下个月 10 号前要到。"),
            Note("生日定制，已和工坊确认工期，10 号前可以送达。@{colleague} 发货时记得附送生日贺卡。"),
            Out("没问题，“岁岁平安”4 个字可以刻。我已为您预留工期，麻烦您下单后把订单号发给我，我帮您备注刻字内容并附上生日贺卡。"),
            Pending,
        ]),
        new("zh-CN", "competitor_comparison", "presales", Priority.Normal, [Channel.Chat], "扫地机器人和同价位产品比较", ["presales"],
        [
            In("你们这款扫地机器人 X10 和别家同价位的比，有什么优势？"),
            Out("您好，X10 的主要优势：1）激光导航 + 3D 避障，能识别袜子、电线；2）自动集尘、自动洗拖布；3）整机保修 2 年。具体对比建议以两家官方参数为准，参数上的问题我都可以帮您解答。"),
            In("保修 2 年挺好，那滚刷和拖布要单独买吗？"),
            Out("首发套装里已经包含 1 个备用滚刷和 2 块拖布，后续耗材在官方旗舰店都可以买到。"),
            Resolve,
        ]),
        new("zh-CN", "general_feedback", "tech", Priority.Low, [Channel.WebForm, Channel.Api], "建议 App 增加深色模式", ["feature_request"],
        [
            In("建议 App 增加深色模式，晚上看订单太刺眼了。"),
            Out("感谢您的建议！深色模式已经在我们的开发计划中，我已把您的反馈补充到需求里，上线后会通过 App 消息通知您。"),
            Note("已关联需求 FEAT-{bug}（深色模式），这是本月第 6 条同类反馈。"),
            Resolve,
            Close,
        ]),
        new("zh-CN", "billing_payment", "aftersales", Priority.High, [Channel.Chat, Channel.Phone, Channel.Api], "支付时重复扣款", ["double_charge", "refund"],
        [
            In("付款时网络卡了一下，结果扣了两次钱！订单 {order}，两笔都是 ¥{amount}。"),
            Out("您好，请别着急。我查到系统中只有一笔成功订单，另一笔应该是支付渠道的重复扣款，一般会在 1–3 个工作日自动退回。"),
            In("要是不退呢？"),
            Note("@{colleague} 请财务核对支付流水，确认重复扣款是否已发起退回，客户要求今天给答复。"),
            Out("我已经请财务同事核对支付流水，今天下班前给您明确答复；如果没有自动退回，我们会手动为您退款。"),
            Hold,
        ]),
        new("zh-CN", "delivery_logistics", "aftersales", Priority.Normal, [Channel.Chat, Channel.Api], "修改收货地址", ["address_change"],
        [
            In("订单 {order} 的收货地址填错了，能改吗？还没发货。"),
            Out("您好，可以的。请把新的收货地址发给我，包括收货人、电话和详细地址。"),
            In("{city}市人民路 88 号 3 栋 1201，{name}，{phone}"),
            Out("已为您修改收货地址，仓库还没有打包，会按新地址发出。"),
            Resolve,
        ]),
        new("zh-CN", "return_exchange", "aftersales", Priority.Normal, [Channel.WebForm, Channel.Chat, Channel.Api], "收到的商品外壳破损", ["damaged", "exchange"],
        [
            In("收到的{product}外壳有一道裂缝，照片见附件。", File("破损照片.jpg", "image/jpeg", 1_482_034)),
            Out("非常抱歉！看到照片了，确实是运输中造成的破损。给您两个方案：1）免费换新；2）直接退款。您看选哪种？"),
            In("换新吧。"),
            Out("好的，已为您创建换货单，快递员明天上门取件，新机同时发出，不需要您垫付运费。"),
            Resolve,
        ]),
        new("zh-CN", "order_status", "aftersales", Priority.Normal, [Channel.Chat, Channel.Api], "预售商品什么时候发货", ["presale_item"],
        [
            In("我的订单里有一件预售商品，是不是要等它到了才一起发货？"),
            Out("您好，是的，默认会等预售商品到货后合并发货，预售商品预计 15 号发货。"),
            In("能不能先把其他的发了？有一件我急用。"),
            Out("可以的，已为您拆分订单，现货部分今天发出，预售商品到货后单独发货，不额外收运费。"),
            Resolve,
        ]),
        new("zh-CN", "technical_support", "tech", Priority.Normal, [Channel.Chat, Channel.Email], "手表运动数据无法同步", ["sync", "device"],
        [
            In("手表运动记录同步不到 App 上，已经两天了。"),
            Out("您好，请先确认手机蓝牙已开启、App 允许后台运行，然后在 App 里下拉刷新试试。"),
            In("都试过了，还是不行。"),
            Out("麻烦您在 App “我的 → 帮助与反馈” 中上传一下日志，并告诉我手机型号和 App 版本，我们的工程师会帮您具体分析。"),
            Pending,
        ]),
        new("zh-CN", "membership_loyalty", "presales", Priority.Low, [Channel.Chat], "如何升级金卡会员", ["membership"],
        [
            In("怎么才能升级成金卡会员？"),
            Out("您好，近 12 个月累计消费满 5000 元即可自动升级为金卡会员，享受免邮、生日礼包和专属客服。您目前已累计 3860 元，再消费 1140 元就可以升级啦～"),
            In("好的，知道了"),
            Resolve,
            AutoClose(50),
        ]),
        new("zh-CN", "billing_payment", "presales", Priority.Normal, [Channel.Chat, Channel.Api], "扫地机器人可以分期付款吗", ["installment"],
        [
            In("买扫地机器人可以分期付款吗？"),
            Out("您好，可以的。支持信用卡分期和花呗分期，3 期和 6 期免息，12 期有少量手续费，具体以支付页面显示为准。"),
            In("6 期免息的话每期多少钱？"),
            Out("X10 售价 2499 元，6 期免息每期约 416.5 元，没有额外手续费。"),
            In("好的，那我下单了"),
            Resolve,
        ]),
    ];

    public static readonly Scenario[] English =
    [
        new("en", "account_management", "tech", Priority.Normal, [Channel.Email, Channel.Chat], "Password reset e-mail never arrives", ["login"],
        [
            In("Hi, I'm trying to reset my password but the reset e-mail never arrives. I've checked spam. My login is {email}."),
            Out("Hi {first}, thanks for reaching out. I can see three reset e-mails were sent in the last hour and all were rejected by your mail server. Could you ask your IT team to allow mail from our domain?\n\nBest regards,\n{agent}"),
            In("Our IT team added your domain to the allow list. Could you try again?"),
            Note("Bounce log shows a 550 policy rejection from the customer's mail gateway until this morning; deliveries succeed since then."),
            Out("I've just triggered a new reset e-mail and our logs show it was delivered this time. Let me know if it doesn't show up within a few minutes."),
            In("Got it, I'm back in. Thanks!"),
            Resolve,
        ]),
        new("en", "billing_payment", "aftersales", Priority.High, [Channel.Email], "Charged twice for the Team plan", ["double_charge", "refund"],
        [
            In("Hello, we were charged twice for our Team plan this month ({amount} each). A screenshot of our bank statement is attached. Please refund the duplicate charge.", File("bank-statement.png", "image/png", 284_310)),
            Out("Hi {first}, sorry about this. I can confirm two successful charges of {amount} on your account on the same day. I've asked our billing team to refund the duplicate; refunds usually take 5–10 business days to appear on your statement.\n\nBest regards,\n{agent}"),
            Note("@{colleague} duplicate charge confirmed: the same invoice was paid twice after a payment retry. Please refund the second charge and check the retry logic."),
            Out("Quick update: the refund has been requested and our billing team is confirming it with the payment provider. I'll send you the refund reference as soon as I have it."),
            Hold,
        ]),
        new("en", "subscription_management", "aftersales", Priority.Normal, [Channel.Email, Channel.WebForm], "Downgrade to the Team plan at renewal", ["downgrade"],
        [
            In("We'd like to move from the Business plan to the Team plan at our next renewal. We don't use SSO anymore. Will we lose any data?"),
            Out("Hi {first}, no data is lost when you downgrade. The change takes effect at your renewal date; features only available on Business (SSO, audit log export) are switched off then. I've scheduled the downgrade for you, and you can undo it any time before the renewal.\n\nBest regards,\n{agent}"),
            In("Perfect, thank you."),
            Resolve,
            AutoClose(72),
        ]),
        new("en", "technical_support", "tech", Priority.High, [Channel.Api, Channel.Email], "API returns 429 Too Many Requests", ["api", "rate_limit"],
        [
            In("Our integration started getting HTTP 429 Too Many Requests from your API this morning. We haven't changed anything on our side."),
            Out("Hi {first}, your token is limited to 600 requests per minute, and since 08:00 your integration has been sending bursts of about 1,500 per minute, mostly polling GET /conversations. Could you check whether a new deployment increased the polling rate? Webhooks instead of polling would avoid the limit entirely."),
            In("Found it: a second worker was started by mistake and we've stopped it. Could you raise the limit temporarily while we switch to webhooks?"),
            Note("@{colleague} can we grant this account a temporary limit of 1,200/min for two weeks? Migration to webhooks is planned."),
            Out("I've asked for a temporary increase to 1,200 requests per minute for two weeks. Could you confirm the date you expect to switch to webhooks, so we can set the expiry correctly?"),
            Pending,
        ]),
        new("en", "data_privacy_security", "tech", Priority.High, [Channel.Email, Channel.WebForm], "GDPR data access request", ["gdpr", "privacy"],
        [
            In("Under Article 15 GDPR I request a copy of all personal data you hold about me."),
            Out("Dear {first}, thank you for your request. To protect your data we first need to verify your identity: please reply from the e-mail address registered on your account.\n\nKind regards,\n{agent}"),
            In("I'm writing from my registered address now."),
            Note("Identity verified (registered address). @{colleague} export requested from the data team; legal deadline 30 days, we aim for 7."),
            Out("Thank you, your identity is verified. Our data team is preparing the export; you'll receive a secure download link within 7 days, and at the latest within the legal 30-day period."),
            Hold,
        ]),
        new("en", "app_website_fault", "tech", Priority.Urgent, [Channel.Chat, Channel.Email], "Dashboard blank in Safari after the update", ["bug", "incident"],
        [
            In("Since this morning's update the dashboard is completely blank in Safari. Chrome works. We have 20 agents on Macs who can't work!"),
            Out("Hi {first}, thanks for the report, and sorry for the disruption. We've reproduced it: Safari 17 fails to load the new charts bundle. Our engineers are on it right now. As a workaround, your agents can use Chrome or Firefox."),
            Note("@{colleague} Safari 17 blank dashboard reproduced, incident INC-{bug} opened. Hotfix ETA 2 hours."),
            Wait(2),
            Out("The fix is deployed. Please ask your agents to reload the page (Cmd+Shift+R). Let us know if anyone still sees a blank screen."),
            In("Confirmed, everything works again. Thanks for the quick fix."),
            Resolve,
        ]),
        new("en", "product_information", "presales", Priority.Normal, [Channel.Chat, Channel.WebForm], "Does the Business plan include SAML SSO?", ["sso"],
        [
            In("Does the Business plan include SAML single sign-on? We use Okta."),
            Out("Hi {first}! Yes, SAML 2.0 SSO is included in Business and Enterprise, and Okta is supported out of the box. You can also enforce SSO for all agents and keep one emergency admin login."),
            In("Great, and is SCIM provisioning included too?"),
            Out("SCIM provisioning is part of Enterprise. On Business, agents are created automatically at their first SSO sign-in (just-in-time provisioning). Happy to set up a trial with SSO enabled if you'd like to test it."),
            In("That's all I needed for now, thanks!"),
            Resolve,
            Close,
        ]),
        new("en", "general_feedback", "tech", Priority.Low, [Channel.Email, Channel.Chat], "Feature request: CSV export of reports", ["feature_request"],
        [
            In("Feature request: it would be great to export the weekly report as CSV, not just PDF."),
            Out("Hi {first}, thanks for the suggestion! CSV export of reports is on our roadmap for next quarter. I've added your vote to the request and we'll let you know when it ships."),
            Note("Linked to FEAT-{bug} (CSV export of reports)."),
            Resolve,
            AutoClose(72),
        ]),
        new("en", "billing_payment", "aftersales", Priority.Normal, [Channel.Email], "Invoice needs our VAT ID and PO number", ["invoice"],
        [
            In("Hello, our finance team needs invoice {invoice} re-issued with our VAT ID and PO number (PO-2291). VAT ID: GB123456789."),
            Out("Hi {first}, no problem. I've updated your billing profile with the VAT ID and PO number and re-issued {invoice}. The new PDF is attached to this e-mail and also available under Settings → Billing.\n\nBest regards,\n{agent}",
                File("invoice-reissued.pdf", "application/pdf", 61_877)),
            In("Received, thank you!"),
            Resolve,
        ]),
        new("en", "competitor_comparison", "presales", Priority.Normal, [Channel.Email, Channel.Chat], "Migrating from our current help desk", ["migration"],
        [
            In("We're evaluating a move from our current help desk. Can you import our existing tickets (about 120,000) and customer records?"),
            Out("Hi {first}, yes. We import tickets, messages, customers and attachments through our API; for volumes like yours we provide a migration script and run a test import into a sandbox first. Which help desk are you using today, and do you need to keep the original ticket numbers?"),
            Pending,
        ]),
    ];
}
