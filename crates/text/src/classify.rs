//! Guessing an article's channel from its words, for articles that arrive
//! without one (imports, feeds). Keyword rules: transparent, fast, and good
//! enough to spread a news corpus over the channels; a learned classifier can
//! replace the table without changing the signature.

use hao_domain::Channel;

/// Keywords per channel. A keyword in the title weighs [`TITLE_WEIGHT`] times
/// one in the body; body hits of one keyword are capped so that one repeated
/// word cannot decide alone.
const RULES: &[(Channel, &[&str])] = &[
    (
        Channel::Sports,
        &[
            "比赛",
            "球队",
            "球员",
            "联赛",
            "冠军",
            "足球",
            "篮球",
            "NBA",
            "CBA",
            "中超",
            "世界杯",
            "奥运",
            "进球",
            "教练",
            "赛季",
            "体育",
            "马拉松",
            "羽毛球",
            "乒乓球",
            "网球",
            "排球",
            "运动员",
            "亚运",
            "决赛",
            "半决赛",
            "主场",
            "客场",
            "射门",
            "田径",
            "游泳",
            "健身",
        ],
    ),
    (
        Channel::Entertainment,
        &[
            "明星",
            "电影",
            "电视剧",
            "导演",
            "演员",
            "综艺",
            "歌手",
            "票房",
            "娱乐",
            "粉丝",
            "演唱会",
            "主演",
            "剧组",
            "节目",
            "影视",
            "偶像",
            "出道",
            "绯闻",
            "恋情",
            "颁奖",
            "热播",
            "网红",
            "艺人",
            "角色",
            "剧情",
            "上映",
        ],
    ),
    (
        Channel::Finance,
        &[
            "股市",
            "股票",
            "A股",
            "基金",
            "银行",
            "经济",
            "投资",
            "金融",
            "上市",
            "股价",
            "央行",
            "利率",
            "贷款",
            "理财",
            "财经",
            "证券",
            "市场",
            "企业",
            "营收",
            "利润",
            "消费",
            "融资",
            "GDP",
            "通胀",
            "债券",
            "保险",
            "资金",
            "股东",
            "收益",
            "比特币",
            "区块链",
            "P2P",
        ],
    ),
    (
        Channel::Tech,
        &[
            "科技",
            "手机",
            "互联网",
            "人工智能",
            "AI",
            "芯片",
            "苹果",
            "华为",
            "小米",
            "软件",
            "5G",
            "技术",
            "数据",
            "算法",
            "电脑",
            "APP",
            "App",
            "app",
            "网络",
            "平台",
            "用户",
            "智能",
            "机器人",
            "微信",
            "谷歌",
            "腾讯",
            "阿里",
            "百度",
            "科学",
            "研发",
            "卫星",
            "航天",
            "电商",
        ],
    ),
    (
        Channel::Auto,
        &[
            "汽车",
            "车型",
            "SUV",
            "新能源车",
            "电动车",
            "车主",
            "驾驶",
            "发动机",
            "车企",
            "4S店",
            "轿车",
            "车辆",
            "驾照",
            "交警",
            "违章",
            "特斯拉",
            "比亚迪",
            "宝马",
            "奔驰",
            "奥迪",
            "大众",
            "丰田",
            "本田",
            "车市",
            "续航",
            "加油",
            "车险",
            "自动驾驶",
        ],
    ),
    (
        Channel::House,
        &[
            "房价",
            "楼盘",
            "房产",
            "房地产",
            "开发商",
            "购房",
            "住房",
            "楼市",
            "二手房",
            "房贷",
            "公积金",
            "租房",
            "物业",
            "小区",
            "户型",
            "地块",
            "土地",
            "拆迁",
            "装修",
            "业主",
            "商品房",
            "限购",
            "房源",
            "首付",
        ],
    ),
    (
        Channel::Parenting,
        &[
            "孩子",
            "宝宝",
            "家长",
            "父母",
            "育儿",
            "幼儿园",
            "小学",
            "学生",
            "老师",
            "学校",
            "教育",
            "儿童",
            "妈妈",
            "爸爸",
            "怀孕",
            "婴儿",
            "母婴",
            "高考",
            "中考",
            "考试",
            "作业",
            "早教",
            "亲子",
            "学习",
            "成绩",
            "辅导",
        ],
    ),
    (
        Channel::Local,
        &[
            "市民",
            "本地",
            "社区",
            "街道",
            "村民",
            "县",
            "镇",
            "乡",
            "市区",
            "派出所",
            "民警",
            "城管",
            "公交",
            "地铁",
            "居民",
            "当地",
            "村",
            "路段",
            "景区",
            "交通",
            "天气",
            "气温",
            "医院",
            "记者从",
            "近日",
            "昨日",
            "市委",
            "区委",
            "政府",
            "警方",
        ],
    ),
    (
        Channel::OpenCourse,
        &[
            "公开课",
            "讲座",
            "课程",
            "知识",
            "方法",
            "技巧",
            "如何",
            "怎么",
            "为什么",
            "心理",
            "健康",
            "养生",
            "读书",
            "历史",
            "文化",
            "专家",
            "建议",
            "律师",
            "法律",
            "常识",
            "科普",
            "医生",
            "疾病",
            "症状",
            "治疗",
        ],
    ),
    (
        Channel::Military,
        &[
            "军事",
            "军队",
            "部队",
            "解放军",
            "战机",
            "战斗机",
            "导弹",
            "航母",
            "舰",
            "军方",
            "国防",
            "武器",
            "战争",
            "士兵",
            "军演",
            "演习",
            "空军",
            "海军",
            "陆军",
            "核武",
            "无人机",
            "坦克",
            "飞机",
            "航空",
            "军人",
            "退役",
            "战舰",
        ],
    ),
    (
        Channel::Headlines,
        &[
            "国务院",
            "总书记",
            "外交部",
            "总统",
            "总理",
            "国家",
            "美国",
            "日本",
            "俄罗斯",
            "朝鲜",
            "韩国",
            "英国",
            "中国",
            "政策",
            "会议",
            "改革",
            "发展",
            "国际",
            "全国",
            "人民",
            "新华社",
            "央视",
            "峰会",
            "官员",
            "反腐",
            "纪委",
            "事件",
            "社会",
        ],
    ),
];

const TITLE_WEIGHT: u32 = 4;
const BODY_CAP: u32 = 4;
/// Below this score nothing is clearly about one topic: the article is filed
/// under 头条 (general news), never dropped.
const MIN_SCORE: u32 = 3;

/// Every keyword of [`RULES`] in one automaton (pattern order: rule by rule,
/// word by word), so that a text is scanned once, not once per keyword.
struct Matcher {
    automaton: aho_corasick::AhoCorasick,
    /// The rule (index into [`RULES`]) of each pattern.
    rule_of: Vec<usize>,
}

static MATCHER: std::sync::LazyLock<Matcher> = std::sync::LazyLock::new(|| {
    let mut patterns = Vec::new();
    let mut rule_of = Vec::new();
    for (r, (_, words)) in RULES.iter().enumerate() {
        for w in *words {
            patterns.push(*w);
            rule_of.push(r);
        }
    }
    Matcher {
        // A DFA: a few hundred keywords make a small one, and it steps a
        // byte with one table read (the default, a contiguous NFA, was 1.1 %
        // of an import's samples; BENCHMARKS.md, twenty-fifth session).
        automaton: aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(&patterns)
            .expect("the keyword table builds"),
        rule_of,
    }
});

/// How often each keyword occurs in `text` (overlapping occurrences of
/// different keywords all count).
fn counts(text: &str) -> Vec<u32> {
    let m = &*MATCHER;
    let mut n = vec![0u32; m.rule_of.len()];
    for hit in m.automaton.find_overlapping_iter(text) {
        n[hit.pattern().as_usize()] += 1;
    }
    n
}

/// Picks the channel whose keywords weigh most in the title and body.
pub fn classify_channel(title: &str, body: &str) -> Channel {
    // Only the beginning of a long body: the lead says what an article is about.
    let body = prefix_chars(body, 1500);
    let (in_title, in_body) = (counts(title), counts(body));
    let mut scores = vec![0u32; RULES.len()];
    for (p, &rule) in MATCHER.rule_of.iter().enumerate() {
        scores[rule] += in_title[p] * TITLE_WEIGHT + in_body[p].min(BODY_CAP);
    }
    let mut best = (Channel::Headlines, 0u32);
    for ((channel, _), &score) in RULES.iter().zip(&scores) {
        if score > best.1 {
            best = (*channel, score);
        }
    }
    if best.1 >= MIN_SCORE {
        best.0
    } else {
        Channel::Headlines
    }
}

fn prefix_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(title: &str, body: &str, expected: Channel) {
        assert_eq!(classify_channel(title, body), expected, "{title}");
    }

    #[test]
    fn clear_cases() {
        check(
            "中超联赛：上海申花主场2比1取胜",
            "比赛第80分钟，球员头球进球。",
            Channel::Sports,
        );
        check(
            "新款SUV车型上市 续航达600公里",
            "这款汽车的车主反馈驾驶体验良好。",
            Channel::Auto,
        );
        check(
            "央行宣布下调贷款利率",
            "银行与金融市场反应积极，股市上涨。",
            Channel::Finance,
        );
        check(
            "歼-20战机亮相航展",
            "解放军空军展示了新型导弹与战斗机。",
            Channel::Military,
        );
        check(
            "孩子写作业拖拉怎么办",
            "很多家长发现孩子放学后学习效率低。",
            Channel::Parenting,
        );
        check(
            "楼市新政：首付比例下调",
            "购房者与开发商关注房价走势，二手房成交回升。",
            Channel::House,
        );
    }

    #[test]
    fn nothing_recognisable_goes_to_headlines() {
        check("你好", "今天。", Channel::Headlines);
        check("", "", Channel::Headlines);
    }

    #[test]
    fn long_bodies_are_cut_on_a_char_boundary() {
        let body = "汽".repeat(5000);
        let _ = classify_channel("标题", &body);
    }
}
