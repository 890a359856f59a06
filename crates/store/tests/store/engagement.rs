//! What readers do that counts: follows, likes and 收藏, shares, 热点
//! scores and their epoch, the daily figures of creators' analytics.

use hao_domain::Channel;

use crate::{backends, creator, draft};

#[tokio::test]
async fn shares_count_published_articles_only() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "甲").await;
        let r = s
            .upsert_articles(&[draft("x", c, Channel::Local, "本地", 1)])
            .await
            .unwrap();
        let seq = s.last_change().await.unwrap();
        assert!(s.add_share(r[0].id).await.unwrap());
        assert!(
            s.last_change().await.unwrap() > seq,
            "a share is a change pages show"
        );
        assert!(!s.add_share(424242).await.unwrap());
        assert_eq!(s.article(r[0].id).await.unwrap().unwrap().shares, 1);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn follows_count_once_and_list_followed_creators_articles() {
    use hao_domain::Role;
    for db in backends().await {
        let s = &db.store;
        let (c1, c2) = (creator(s, "甲").await, creator(s, "乙").await);
        s.upsert_articles(&[
            draft("a1", c1, Channel::Tech, "甲的旧文", 100),
            draft("a2", c1, Channel::Tech, "甲的新文", 300),
            draft("b1", c2, Channel::Sports, "乙的文章", 200),
        ])
        .await
        .unwrap();
        let u = s
            .create_user("reader", "h", Role::Reader, None)
            .await
            .unwrap()
            .unwrap();
        let v = s
            .create_user("reader2", "h", Role::Reader, None)
            .await
            .unwrap()
            .unwrap();
        let before = s.last_change().await.unwrap();
        assert!(s.follow(u, c1, None).await.unwrap());
        assert!(
            !s.follow(u, c1, None).await.unwrap(),
            "a second follow is no news"
        );
        assert!(s.follow(v, c1, None).await.unwrap());
        assert_eq!(s.creator(c1).await.unwrap().unwrap().follower_count, 2);
        assert_eq!(
            s.last_change().await.unwrap(),
            before + 2,
            "each new follow is logged once, for every node's author cards"
        );
        assert!(s.follows(u, c1).await.unwrap());
        assert!(!s.follows(u, c2).await.unwrap());

        let list = s.following_articles(u, 10, 0).await.unwrap();
        let titles: Vec<&str> = list.items.iter().map(|a| a.title.as_str()).collect();
        assert_eq!((titles, list.total), (vec!["甲的新文", "甲的旧文"], 2));
        assert!(s.follow(u, c2, None).await.unwrap());
        let names: Vec<String> = s
            .followed_creators(u)
            .await
            .unwrap()
            .into_iter()
            .map(|c| c.display_name)
            .collect();
        assert_eq!(names.len(), 2);
        assert_eq!(s.following_articles(u, 10, 0).await.unwrap().total, 3);

        assert!(s.unfollow(u, c1).await.unwrap());
        assert!(!s.unfollow(u, c1).await.unwrap());
        assert_eq!(s.creator(c1).await.unwrap().unwrap().follower_count, 1);
        assert_eq!(s.following_articles(u, 10, 0).await.unwrap().total, 1);
        db.cleanup().await;
    }
}

#[tokio::test]
async fn hot_scores_add_up_decay_and_survive_an_epoch_move() {
    use hao_recommend::hot;
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "甲").await;
        let d = creator(s, "乙").await;
        let now = s.now();
        let r = s
            .upsert_articles(&[
                draft("old", c, Channel::Tech, "旧闻", now - 3 * 24 * 3600),
                draft("new", d, Channel::Tech, "新闻", now - 60),
                draft("other", c, Channel::Sports, "体育", now - 120),
            ])
            .await
            .unwrap();
        let (old, new, other) = (r[0].id, r[1].id, r[2].id);
        // With no engagement the publish decides: newest first.
        let order = |v: Vec<(hao_domain::ArticleSummary, f64)>| -> Vec<i64> {
            v.iter().map(|(a, _)| a.id).collect()
        };
        assert_eq!(
            order(s.hottest_since(0, None, 10, now).await.unwrap()),
            [new, other, old]
        );
        // Increments from "two nodes" add up: 5 + 5 views now outweigh the
        // newer article's publish (10 views' worth, a minute ago, decayed).
        s.add_views(&[(old, 5)]).await.unwrap();
        s.add_hot(&[old], 5.0 * hot::VIEW, now).await.unwrap();
        let ranked = s.hottest_since(0, None, 10, now).await.unwrap();
        assert_eq!(order(ranked.clone()), [old, new, other]);
        let heat = ranked[0].1;
        assert!(
            (heat - 10.0).abs() < 0.5,
            "decayed hotness in views: {heat}"
        );
        // The channel filter and the time filter.
        assert_eq!(
            order(
                s.hottest_since(0, Some(Channel::Sports), 10, now)
                    .await
                    .unwrap()
            ),
            [other]
        );
        assert_eq!(
            order(s.hottest_since(now - 3600, None, 10, now).await.unwrap()),
            [new, other]
        );
        // Not due yet; then, a month and more later, the epoch moves and the
        // ranking does not change.
        assert!(!s.rebase_hot_if_due(now).await.unwrap());
        let later = now + 61 * hot::HALF_LIFE as i64;
        assert!(s.rebase_hot_if_due(later).await.unwrap());
        assert_eq!(s.hot_epoch().await.unwrap(), later);
        assert_eq!(
            order(s.hottest_since(0, None, 10, later).await.unwrap()),
            [old, new, other]
        );
        db.cleanup().await;
    }
}

#[tokio::test]
async fn daily_stats_cover_thirty_days_with_zeros() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "甲").await;
        let id = s
            .upsert_articles(&[draft("d", c, Channel::Tech, "一", 100)])
            .await
            .unwrap()[0]
            .id;
        s.add_views(&[(id, 7)]).await.unwrap();
        s.add_views(&[(id, 2), (9_999_999, 5)]).await.unwrap();
        assert!(s.add_share(id).await.unwrap());
        let now = s.now();
        let days = s.daily_stats(c, None, 30, now).await.unwrap();
        assert_eq!(days.len(), 30);
        assert_eq!(days[29].day, hao_store::beijing_day(now));
        assert_eq!((days[29].views, days[29].shares), (9, 1));
        assert!(days[..29].iter().all(|d| d.views == 0 && d.shares == 0));
        let one = s.daily_stats(c, Some(id), 7, now).await.unwrap();
        assert_eq!((one.len(), one[6].views), (7, 9));
        db.cleanup().await;
    }
}

#[tokio::test]
async fn likes_count_once_each_and_favorites_are_a_readers_list() {
    for db in backends().await {
        let s = &db.store;
        let c = creator(s, "点赞作者").await;
        let ids: Vec<i64> = s
            .upsert_articles(&[
                draft("l1", c, Channel::Tech, "一", 100),
                draft("l2", c, Channel::Tech, "二", 200),
            ])
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        let u = s
            .create_user("liker", "x", hao_domain::Role::Reader, None)
            .await
            .unwrap()
            .unwrap();
        let v = s
            .create_user("liker2", "x", hao_domain::Role::Reader, None)
            .await
            .unwrap()
            .unwrap();
        let hot_before = s.hottest_since(0, None, 10, s.now()).await.unwrap();
        let before = s.last_change().await.unwrap();
        assert_eq!(s.like(u, ids[0]).await.unwrap(), Some(true));
        assert_eq!(
            s.like(u, ids[0]).await.unwrap(),
            Some(false),
            "once per reader"
        );
        assert_eq!(s.like(v, ids[0]).await.unwrap(), Some(true));
        assert_eq!(s.like(u, 9_999_999).await.unwrap(), None);
        assert_eq!(s.article(ids[0]).await.unwrap().unwrap().likes, 2);
        assert!(
            s.last_change().await.unwrap() > before,
            "every node re-renders"
        );
        let hot_after = s.hottest_since(0, None, 10, s.now()).await.unwrap();
        let score = |h: &[(hao_domain::ArticleSummary, f64)], id| {
            h.iter()
                .find(|(a, _)| a.id == id)
                .map(|(_, s)| *s)
                .unwrap_or(0.0)
        };
        assert!(
            score(&hot_after, ids[0]) > score(&hot_before, ids[0]),
            "likes feed 热点"
        );
        assert!(s.unlike(u, ids[0]).await.unwrap());
        assert!(!s.unlike(u, ids[0]).await.unwrap());
        assert_eq!(s.article(ids[0]).await.unwrap().unwrap().likes, 1);
        assert_eq!(
            s.liked_and_favorited(v, ids[0]).await.unwrap(),
            (true, false)
        );

        assert_eq!(s.favorite(u, ids[0]).await.unwrap(), Some(true));
        assert_eq!(s.favorite(u, ids[1]).await.unwrap(), Some(true));
        assert_eq!(s.favorite(u, ids[1]).await.unwrap(), Some(false));
        assert_eq!(s.favorite(u, 9_999_999).await.unwrap(), None);
        let mine = s.favorites(u, 10, 0).await.unwrap();
        assert_eq!(mine.total, 2);
        assert!(mine.items.iter().any(|a| a.id == ids[0]));
        assert!(s.unfavorite(u, ids[0]).await.unwrap());
        assert_eq!(s.favorites(u, 10, 0).await.unwrap().total, 1);
        assert_eq!(
            s.favorites(v, 10, 0).await.unwrap().total,
            0,
            "a reader's own"
        );
        db.cleanup().await;
    }
}
