//! The platform's policy numbers, written once: the store applies them, the
//! pages that explain them show them.

/// Approved articles in a row that end a creator's novice period (新手期).
pub const NOVICE_APPROVALS: i64 = 3;
/// Where every creator's standing (信用分) starts.
pub const STANDING_START: i64 = 100;
/// What a take-down costs.
pub const TAKE_DOWN: i64 = -10;
/// What a 原创 claim confirmed by an editor to be a copy costs.
pub const FALSE_ORIGINAL: i64 = -5;
