//! 申请入驻: creator applications and their review.

use hao_domain::{AccountType, ApplicationStatus, Role};

use crate::{Result, Store, StoreError};

/// What an applicant submits.
#[derive(Debug, Clone, PartialEq)]
pub struct NewApplication {
    pub account_type: AccountType,
    pub display_name: String,
    pub bio: String,
    /// Main channel slug.
    pub channel: String,
    pub contact: String,
    pub statement: String,
    /// An uploaded avatar (`/media/…`); `None` draws one from the name.
    pub avatar_url: Option<String>,
}

/// An application as applicants and editors see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Application {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub form: NewApplication,
    pub status: ApplicationStatus,
    pub reason: String,
    pub decided_by: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

/// Why an application could not be taken or decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApplicationRefusal {
    /// The applicant already has one waiting.
    Pending,
    /// The display name belongs to an existing creator.
    NameTaken,
    /// No such pending application.
    NotPending,
}

type Row = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    i64,
    Option<i64>,
    Option<String>,
);

const COLUMNS: &str = "a.id, a.user_id, u.username, a.account_type, a.display_name, a.bio, \
     a.channel, a.contact, a.statement, a.status, a.reason, a.decided_by, a.created_at, \
     a.decided_at, a.avatar_url";

fn application(r: Row) -> Result<Application> {
    let status = ApplicationStatus::parse(&r.9).ok_or_else(|| StoreError::Corrupt {
        table: "creator_applications",
        reason: format!("unknown status '{}'", r.9),
    })?;
    Ok(Application {
        id: r.0,
        user_id: r.1,
        username: r.2,
        form: NewApplication {
            account_type: AccountType::parse(&r.3).unwrap_or(AccountType::Personal),
            display_name: r.4,
            bio: r.5,
            channel: r.6,
            contact: r.7,
            statement: r.8,
            avatar_url: r.14,
        },
        status,
        reason: r.10,
        decided_by: r.11,
        created_at: r.12,
        decided_at: r.13,
    })
}

impl Store {
    /// Files an application; refused while another is pending or when the
    /// name belongs to an existing creator.
    pub async fn apply(
        &self,
        user_id: i64,
        a: &NewApplication,
    ) -> Result<std::result::Result<i64, ApplicationRefusal>> {
        let mut tx = self.begin_write().await?;
        let pending: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM creator_applications WHERE user_id = $1 AND status = 'pending'",
        )
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        if pending > 0 {
            return Ok(Err(ApplicationRefusal::Pending));
        }
        let taken: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM creators WHERE display_name = $1")
                .bind(&a.display_name)
                .fetch_one(&mut *tx)
                .await?;
        if taken > 0 {
            return Ok(Err(ApplicationRefusal::NameTaken));
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO creator_applications (user_id, account_type, display_name, bio, channel, \
             contact, statement, created_at, avatar_url) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
             RETURNING id",
        )
        .bind(user_id)
        .bind(a.account_type.code())
        .bind(&a.display_name)
        .bind(&a.bio)
        .bind(&a.channel)
        .bind(&a.contact)
        .bind(&a.statement)
        .bind(self.now())
        .bind(a.avatar_url.as_deref())
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Ok(id))
    }

    /// A user's applications, newest first.
    pub async fn applications_of(&self, user_id: i64) -> Result<Vec<Application>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM creator_applications a JOIN users u ON u.id = a.user_id \
             WHERE a.user_id = $1 ORDER BY a.id DESC"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(application).collect()
    }

    /// Applications with this status, oldest first (the editors' queue).
    pub async fn applications(
        &self,
        status: ApplicationStatus,
        limit: i64,
    ) -> Result<Vec<Application>> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM creator_applications a JOIN users u ON u.id = a.user_id \
             WHERE a.status = $1 ORDER BY a.id LIMIT $2"
        ))
        .bind(status.code())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(application).collect()
    }

    /// Approves (the applicant becomes a creator with the applied profile;
    /// an editor or admin keeps their role) or rejects with `reason`.
    pub async fn decide_application(
        &self,
        id: i64,
        approve: bool,
        editor: &str,
        reason: &str,
    ) -> Result<std::result::Result<Option<i64>, ApplicationRefusal>> {
        let mut tx = self.begin_write().await?;
        let row: Option<Row> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM creator_applications a JOIN users u ON u.id = a.user_id \
             WHERE a.id = $1 AND a.status = 'pending'"
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(app) = row.map(application).transpose()? else {
            return Ok(Err(ApplicationRefusal::NotPending));
        };
        let changed = sqlx::query(
            "UPDATE creator_applications SET status = $1, reason = $2, decided_by = $3, \
             decided_at = $4 WHERE id = $5 AND status = 'pending'",
        )
        .bind(
            if approve {
                ApplicationStatus::Approved
            } else {
                ApplicationStatus::Rejected
            }
            .code(),
        )
        .bind(reason)
        .bind(editor)
        .bind(self.now())
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed != 1 {
            return Ok(Err(ApplicationRefusal::NotPending));
        }
        if !approve {
            crate::notifications::notify_user(
                &mut tx,
                app.user_id,
                "application",
                &format!(
                    "你的入驻申请「{}」未通过：{reason}。修改后可以重新申请。",
                    app.form.display_name
                ),
                "/apply",
                self.now(),
            )
            .await?;
            tx.commit().await?;
            return Ok(Ok(None));
        }
        // The creator account, in the same transaction: a name taken since
        // the application (by an import, say) is refused, never shared.
        let created = sqlx::query(
            "INSERT INTO creators (display_name, bio, account_type, is_demo, is_official, created_at, \
             novice, avatar_url) VALUES ($1, $2, $3, 0, 0, $4, 1, $5) \
             ON CONFLICT (display_name) DO NOTHING",
        )
        .bind(&app.form.display_name)
        .bind(&app.form.bio)
        .bind(app.form.account_type.code())
        .bind(self.now())
        .bind(app.form.avatar_url.as_deref())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if created != 1 {
            return Ok(Err(ApplicationRefusal::NameTaken));
        }
        let creator: i64 = sqlx::query_scalar("SELECT id FROM creators WHERE display_name = $1")
            .bind(&app.form.display_name)
            .fetch_one(&mut *tx)
            .await?;
        let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
            .bind(app.user_id)
            .fetch_one(&mut *tx)
            .await?;
        let role = match Role::parse(&role) {
            Some(r) if r.is_editor() => r,
            _ => Role::Creator,
        };
        sqlx::query("UPDATE users SET role = $1, creator_id = $2 WHERE id = $3")
            .bind(role.code())
            .bind(creator)
            .bind(app.user_id)
            .execute(&mut *tx)
            .await?;
        crate::notifications::notify_user(
            &mut tx,
            app.user_id,
            "application",
            &format!(
                "你的入驻申请「{}」已通过，欢迎入驻！新手期内的文章经编辑审核后发布。",
                app.form.display_name
            ),
            "/studio",
            self.now(),
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(Some(creator)))
    }
}
