//! The platform's policy numbers, written once: the store applies them, the
//! pages that explain them show them.

/// Approved articles in a row that end a creator's novice period (新手期).
pub const NOVICE_APPROVALS: i64 = 3;
/// Where every creator's standing (信用分) starts.
pub const STANDING_START: i64 = 100;
/// Below this standing a creator's articles wait for an editor again, as in
/// the 新手期, until the score is back (an appeal granted): two take-downs
/// and a false 原创 claim reach it.
pub const STANDING_REVIEW_BELOW: i64 = 80;
/// What a take-down costs.
pub const TAKE_DOWN: i64 = -10;
/// What a 原创 claim confirmed by an editor to be a copy costs.
pub const FALSE_ORIGINAL: i64 = -5;

/// Accounts younger than this (seconds) have their comments held for an
/// editor: a fresh account is the cheapest tool of a spammer.
pub const COMMENT_HOLD_NEW_ACCOUNT: i64 = 3600;
/// A comment that nearly repeats this many others posted in the last
/// [`FLOOD_WINDOW`] seconds (by anyone) is held as a flood.
pub const FLOOD_REPEATS: usize = 3;
pub const FLOOD_WINDOW: i64 = 600;
/// Units (letters, digits, ideographs) below which a comment is too short
/// to call a repeat ("支持", "顶" are written by many on their own).
pub const FLOOD_MIN_UNITS: usize = 6;
/// The 禁言 periods an editor chooses from, in days.
pub const MUTE_DAYS: [i64; 4] = [1, 3, 7, 30];
