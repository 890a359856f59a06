//! Form parts: an error beside its field (and the field's
//! `aria-describedby`), and the form of an editor's two-way decision.

use maud::{Markup, html};

/// Field errors of a form: (field, message).
pub(crate) type FieldErrors = Vec<(&'static str, String)>;

pub(crate) fn field_error(errors: &[(&'static str, String)], field: &str) -> Option<Markup> {
    errors
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(f, m)| html! { p class="field-error" id={ (f) "-error" } role="alert" { (m) } })
}

pub(crate) fn described_by(errors: &[(&'static str, String)], field: &str) -> Option<String> {
    errors
        .iter()
        .any(|(f, _)| *f == field)
        .then(|| format!("{field}-error"))
}

/// The form of every two-way editor decision ([`DecideForm`]): a reason
/// field, then one button per verdict (`(value, label)`).
pub(crate) fn decide_form(
    action: &str,
    csrf: &str,
    field_id: &str,
    reason_label: &str,
    (yes, yes_label): (&str, &str),
    (no, no_label): (&str, &str),
) -> Markup {
    html! {
        form method="post" action=(action) {
            input type="hidden" name="csrf" value=(csrf);
            p {
                label for=(field_id) { (reason_label) }
                input id=(field_id) name="reason" type="text" maxlength="500";
            }
            p {
                button type="submit" name="verdict" value=(yes) { (yes_label) }
                " "
                button type="submit" name="verdict" value=(no) { (no_label) }
            }
        }
    }
}
