//! 相关推荐 computed at the boundary: the second half of a split article is
//! the first half's first related article, with a shared keyword as reason.

use crate::support::*;

#[tokio::test]
async fn the_second_half_is_the_first_halfs_first_related_article() {
    let app = Harness::empty().await;
    let body = "国产大型客机完成高原试飞任务，验证了发动机在高海拔机场的起降性能和系统可靠性。\
        试飞团队在昆明、拉萨等机场进行了多轮测试，飞机在低气压、低温环境下表现稳定。\
        项目负责人表示，高原试飞是适航取证的重要环节，下一步将开展自然结冰试飞。\
        按照计划，该机型将于明年交付更多航空公司，逐步扩大国内航线的运营规模。";
    let chars: Vec<char> = body.chars().collect();
    let (a, b) = chars.split_at(chars.len() / 2);
    let lines = [
        serde_json::json!({"external_id": "half-a", "title": "国产客机高原试飞（上）", "body": a.iter().collect::<String>(), "author": "前半", "channel": "tech"}),
        serde_json::json!({"external_id": "half-b", "title": "国产客机高原试飞（下）", "body": b.iter().collect::<String>(), "author": "后半", "channel": "tech"}),
    ];
    let data: String = lines.iter().map(|l| format!("{l}\n")).collect();
    app.import(ARTICLES).await;
    app.import(data.as_bytes()).await;
    let index = app.app.search().unwrap().clone();
    let (ha, hb) = (app.id_of("half-a").await, app.id_of("half-b").await);
    let list = hao_app::related::compute(app.store(), &index, ha, app.app.now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(list[0].id, hb, "{list:?}");
    assert!(list[0].reason.starts_with('「'), "{}", list[0].reason);
}
