//! Accounts: users, sessions, tokens, suspension and the admin's acts, and
//! the sign-in limits every node agrees on.

use crate::{backends, creator};

#[tokio::test]
async fn users_sessions_tokens_and_throttling() {
    use hao_domain::Role;
    for db in backends().await {
        let s = &db.store;
        let id = s
            .create_user("alice", "$argon2id$hash", Role::Reader, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            s.create_user("alice", "x", Role::Admin, None)
                .await
                .unwrap(),
            None,
            "a taken username"
        );
        let (u, hash) = s.user_for_signin("alice").await.unwrap().unwrap();
        assert_eq!(
            (u.id, u.role, hash.as_str()),
            (id, Role::Reader, "$argon2id$hash")
        );
        let c = creator(s, "爱丽丝").await;
        assert!(s.set_user_role(id, Role::Creator, Some(c)).await.unwrap());
        assert_eq!(s.user(id).await.unwrap().unwrap().creator_id, Some(c));

        let now = s.now();
        s.create_session("live", id, "csrf1", now + 60)
            .await
            .unwrap();
        s.create_session("old", id, "csrf2", now - 1).await.unwrap();
        let (su, csrf) = s.session("live").await.unwrap().unwrap();
        assert_eq!((su.id, csrf.as_str()), (id, "csrf1"));
        assert!(s.session("old").await.unwrap().is_none(), "expired");
        s.delete_session("live").await.unwrap();
        assert!(s.session("live").await.unwrap().is_none());

        let t = s.create_token(id, "ci", "tokenhash").await.unwrap();
        assert_eq!(s.token_user("tokenhash").await.unwrap().unwrap().id, id);
        assert!(s.tokens(id).await.unwrap()[0].last_used_at.is_some());
        assert!(s.revoke_token(id, t).await.unwrap());
        assert!(!s.revoke_token(id, t).await.unwrap(), "already revoked");
        assert!(s.token_user("tokenhash").await.unwrap().is_none());

        // Suspension: sessions end, tokens are refused while it lasts; each
        // act logged and told.
        use hao_store::{AdminAct, AdminRefusal};
        s.create_session("s2", id, "csrf3", now + 60).await.unwrap();
        s.create_token(id, "ci2", "tokenhash2").await.unwrap();
        let suspend = AdminAct::Suspend {
            until: now + 3600,
            reason: "刷屏".into(),
        };
        assert_eq!(s.admin_act("root", id, &suspend).await.unwrap(), Ok(()));
        assert!(s.session("s2").await.unwrap().is_none());
        assert!(s.token_user("tokenhash2").await.unwrap().is_none());
        assert_eq!(
            s.suspension(id).await.unwrap(),
            Some((now + 3600, "刷屏".to_owned()))
        );
        let found = s.find_users("lic", 10).await.unwrap();
        assert_eq!(found[0].suspended_until, Some(now + 3600));
        assert_eq!(s.moderation_log(1).await.unwrap()[0].action, "user.suspend");
        assert_eq!(s.notifications(id, 1).await.unwrap()[0].kind, "account");
        let unsuspend = AdminAct::Unsuspend;
        assert_eq!(s.admin_act("root", id, &unsuspend).await.unwrap(), Ok(()));
        assert!(s.token_user("tokenhash2").await.unwrap().is_some());
        let revoke = AdminAct::RevokeTokens;
        assert_eq!(s.admin_act("root", id, &revoke).await.unwrap(), Ok(()));
        assert!(s.token_user("tokenhash2").await.unwrap().is_none());
        assert_eq!(
            s.admin_act("root", 999_999, &revoke).await.unwrap(),
            Err(AdminRefusal::NoSuchUser)
        );
        // The only admin stays one.
        let root = s
            .create_user("root", "$argon2id$h", Role::Admin, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            s.admin_act("root", root, &AdminAct::Role(Role::Reader))
                .await
                .unwrap(),
            Err(AdminRefusal::LastAdmin)
        );

        // Sign-in limits: claimed all or none, refused with the wait.
        let limits = |n| {
            vec![
                hao_store::Limit {
                    key: "pair:alice".into(),
                    limit: n,
                    window: 900,
                },
                hao_store::Limit {
                    key: "addr:1".into(),
                    limit: 10,
                    window: 900,
                },
            ]
        };
        for _ in 0..3 {
            assert_eq!(s.claim_attempt(&limits(3)).await.unwrap(), Ok(()));
        }
        let wait = s.claim_attempt(&limits(3)).await.unwrap().unwrap_err();
        assert!((1..=900).contains(&wait), "{wait}");
        // The refused claim counted nowhere: the address has 3, not 4.
        assert_eq!(s.claim_attempt(&limits(5)).await.unwrap(), Ok(()));
        s.release_attempt(&["addr:1"], &["pair:alice"])
            .await
            .unwrap();
        for _ in 0..3 {
            assert_eq!(s.claim_attempt(&limits(3)).await.unwrap(), Ok(()));
        }
        // addr:1 is at 3 + 1 - 1 + 3 = 6 of 10.
        let addr_only = |n| {
            vec![hao_store::Limit {
                key: "addr:1".into(),
                limit: n,
                window: 900,
            }]
        };
        assert!(s.claim_attempt(&addr_only(6)).await.unwrap().is_err());
        assert_eq!(s.claim_attempt(&addr_only(7)).await.unwrap(), Ok(()));
        let _ = now;

        s.log_moderation("ed", "take-down", "article 1", "谣言")
            .await
            .unwrap();
        let log = s.moderation_log(10).await.unwrap();
        assert_eq!(
            (log[0].actor.as_str(), log[0].reason.as_str()),
            ("ed", "谣言")
        );
        db.cleanup().await;
    }
}
