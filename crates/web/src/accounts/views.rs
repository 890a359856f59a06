//! The sign-up and sign-in form.

use maud::{Markup, html};

use super::AccountForm;
use crate::ui::forms::{FieldErrors, described_by, field_error};
use crate::ui::layout::{Frame, layout};

pub(super) struct AccountPage<'a> {
    pub(super) signup: bool,
    pub(super) form: &'a AccountForm,
    pub(super) errors: &'a FieldErrors,
    /// A message about the whole form (throttling, wrong password).
    pub(super) notice: Option<&'a str>,
    pub(super) csrf: &'a str,
    pub(super) care: bool,
}

pub(super) fn account_page(p: &AccountPage<'_>) -> Markup {
    let (title, action, button) = if p.signup {
        ("注册", "/signup", "注册并登录")
    } else {
        ("登录", "/signin", "登录")
    };
    let frame =
        Frame::new(title, action, p.care).describe("登录号平台，关注创作者、申请入驻、管理文章。");
    layout(
        &frame,
        html! {
            section class="account-form" {
                h1 { (title) }
                @if let Some(n) = p.notice {
                    p class="form-notice" role="alert" { (n) }
                }
                form method="post" action=(action) novalidate {
                    input type="hidden" name="csrf" value=(p.csrf);
                    input type="hidden" name="next" value=(p.form.next);
                    p {
                        label for="username" { "用户名" }
                        input id="username" name="username" type="text" autocomplete="username"
                            required value=(p.form.username)
                            aria-invalid=[described_by(p.errors, "username").map(|_| "true")]
                            aria-describedby=[described_by(p.errors, "username")];
                        @if let Some(e) = field_error(p.errors, "username") { (e) }
                    }
                    p {
                        label for="password" { "密码" }
                        input id="password" name="password" type="password" required
                            autocomplete=(if p.signup { "new-password" } else { "current-password" })
                            aria-invalid=[described_by(p.errors, "password").map(|_| "true")]
                            aria-describedby=[described_by(p.errors, "password")];
                        @if let Some(e) = field_error(p.errors, "password") { (e) }
                    }
                    @if p.signup {
                        p {
                            label for="password2" { "再输入一次密码" }
                            input id="password2" name="password2" type="password" required
                                autocomplete="new-password"
                                aria-invalid=[described_by(p.errors, "password2").map(|_| "true")]
                                aria-describedby=[described_by(p.errors, "password2")];
                            @if let Some(e) = field_error(p.errors, "password2") { (e) }
                        }
                    }
                    p { button type="submit" { (button) } }
                }
                @if p.signup {
                    p { "已有账号？" a href="/signin" { "登录" } }
                } @else {
                    p { "还没有账号？" a href="/signup" { "注册" } "　" a href="/forgot-password" { "忘记密码？" } }
                }
            }
        },
    )
}
