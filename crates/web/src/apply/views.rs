//! 申请入驻's markup: the form and an application as editors see it.

use hao_domain::{AccountType, Channel};
use hao_store::Application;
use maud::{Markup, html};

use super::ApplyForm;
use crate::http::auth::Session;
use crate::ui::forms::decide_form;
use crate::ui::forms::{described_by, field_error};
use crate::ui::parts::time;

pub(super) fn form(
    session: &Session,
    typed: &ApplyForm,
    errors: &[(&'static str, String)],
) -> Markup {
    let text = |name: &'static str, label: &str, value: &str, max: u32| {
        html! {
            p {
                label for=(name) { (label) }
                input id=(name) name=(name) type="text" maxlength=(max) value=(value)
                    aria-invalid=[described_by(errors, name).map(|_| "true")]
                    aria-describedby=[described_by(errors, name)];
                @if let Some(e) = field_error(errors, name) { (e) }
            }
        }
    };
    html! {
        form method="post" action="/apply" enctype="multipart/form-data" novalidate {
            input type="hidden" name="csrf" value=(session.csrf);
            fieldset {
                legend { "账号类型" }
                @for t in AccountType::ALL {
                    label class="choice" {
                        input type="radio" name="account_type" value=(t.code())
                            checked[typed.account_type == t.code()]
                            aria-describedby=[described_by(errors, "account_type")];
                        (t.label())
                    }
                }
                @if let Some(e) = field_error(errors, "account_type") { (e) }
            }
            (text("display_name", "号名称（2–20 字）", &typed.display_name, 20))
            p {
                label for="bio" { "简介（最多 200 字）" }
                textarea id="bio" name="bio" rows="3"
                    aria-invalid=[described_by(errors, "bio").map(|_| "true")]
                    aria-describedby=[described_by(errors, "bio")] { (typed.bio) }
                @if let Some(e) = field_error(errors, "bio") { (e) }
            }
            p {
                label for="channel" { "主要频道" }
                select id="channel" name="channel" aria-describedby=[described_by(errors, "channel")] {
                    option value="" { "请选择" }
                    @for c in Channel::ALL {
                        option value=(c.slug()) selected[typed.channel == c.slug()] { (c.name()) }
                    }
                }
                @if let Some(e) = field_error(errors, "channel") { (e) }
            }
            p {
                label for="avatar_file" { "头像（可不传；PNG、JPEG、WebP 或 GIF，最大 5 MB，取中间的正方形）" }
                @if !typed.avatar.is_empty() {
                    img class="avatar" src=(typed.avatar) alt="已上传的头像" width="64" height="64";
                    input type="hidden" name="avatar" value=(typed.avatar);
                    " 已上传；重新选择文件可替换。"
                }
                input id="avatar_file" name="avatar_file" type="file" accept="image/png,image/jpeg,image/webp,image/gif"
                    aria-invalid=[described_by(errors, "avatar").map(|_| "true")]
                    aria-describedby=[described_by(errors, "avatar")];
                @if let Some(e) = field_error(errors, "avatar") { (e) }
            }
            (text("contact", "联系方式（手机或邮箱，仅编辑可见）", &typed.contact, 100))
            p {
                label for="statement" { "资质说明或代表作品（20–2000 字）" }
                textarea id="statement" name="statement" rows="8"
                    aria-invalid=[described_by(errors, "statement").map(|_| "true")]
                    aria-describedby=[described_by(errors, "statement")] { (typed.statement) }
                @if let Some(e) = field_error(errors, "statement") { (e) }
            }
            p { button type="submit" { "提交申请" } }
        }
    }
}

pub(super) fn application_card(a: &Application, csrf: &str) -> Markup {
    let channel = Channel::parse(&a.form.channel)
        .map(|c| c.name())
        .unwrap_or("—");
    html! {
        article class="application" aria-labelledby={ "app-" (a.id) } {
            h2 id={ "app-" (a.id) } {
                @if let Some(url) = &a.form.avatar_url { img class="avatar" src=(url) alt="" width="48" height="48"; " " }
                (a.form.display_name) "（" (a.form.account_type.label()) "）"
            }
            dl {
                dt { "申请人" } dd { (a.username) }
                dt { "主要频道" } dd { (channel) }
                dt { "联系方式" } dd { (a.form.contact) }
                dt { "简介" } dd { (a.form.bio) }
                dt { "资质与作品" } dd class="statement" { (a.form.statement) }
                dt { "提交时间" } dd { (time(a.created_at)) }
            }
            (decide_form(
                &format!("/editor/applications/{}", a.id),
                csrf,
                &format!("reason-{}", a.id),
                "审核意见（驳回时必填）",
                ("approve", "通过"),
                ("reject", "驳回"),
            ))
        }
    }
}
