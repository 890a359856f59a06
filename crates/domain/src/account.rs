//! Accounts: who may do what.

/// A user's role. Each role can do everything the roles before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Reader,
    Creator,
    Editor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Reader, Role::Creator, Role::Editor, Role::Admin];

    /// Stable code stored in the database and typed on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Role::Reader => "reader",
            Role::Creator => "creator",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Reader => "读者",
            Role::Creator => "创作者",
            Role::Editor => "编辑",
            Role::Admin => "管理员",
        }
    }

    pub fn parse(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Editors and admins review and moderate.
    pub fn is_editor(self) -> bool {
        self >= Role::Editor
    }
}

/// A signed-up user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub role: Role,
    /// The creator account this user writes as, once they have one.
    pub creator_id: Option<i64>,
}

/// Usernames: 3–32 letters, digits, `_` `-` `.` or CJK characters.
pub fn validate_username(name: &str) -> Result<String, crate::ValidationError> {
    let name = name.trim();
    let count = name.chars().count();
    let ok_chars = name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !(3..=32).contains(&count) || !ok_chars {
        return Err(crate::ValidationError::Invalid {
            field: "username",
            reason: "用户名须为 3–32 个字母、数字、汉字或 _ - .".to_owned(),
        });
    }
    Ok(name.to_owned())
}

/// Passwords: at least 8 characters, at most 128.
pub fn validate_password(password: &str) -> Result<(), crate::ValidationError> {
    let count = password.chars().count();
    if !(8..=128).contains(&count) {
        return Err(crate::ValidationError::Invalid {
            field: "password",
            reason: "密码须为 8–128 个字符".to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.code()), Some(r));
        }
        assert!(Role::Admin.is_editor() && Role::Editor.is_editor());
        assert!(!Role::Creator.is_editor());
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn usernames_and_passwords() {
        assert_eq!(validate_username(" 小明_01 ").unwrap(), "小明_01");
        assert!(validate_username("ab").is_err());
        assert!(validate_username("a b c").is_err());
        assert!(validate_password("1234567").is_err());
        assert!(validate_password("12345678").is_ok());
    }
}
