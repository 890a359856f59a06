//! The eleven channels of the reference page, each with a stable ASCII slug.

use std::fmt;

/// A channel (频道). The set is closed: the reference page has exactly these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Channel {
    Headlines,
    Sports,
    Entertainment,
    Finance,
    Tech,
    Auto,
    House,
    Parenting,
    Local,
    OpenCourse,
    Military,
}

/// The value given was neither a channel slug nor a channel's Chinese name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown channel '{0}' (expected a slug such as 'sports' or a name such as 体育)")]
pub struct UnknownChannel(pub String);

impl Channel {
    /// All channels, in the order of the reference page's headline blocks.
    pub const ALL: [Channel; 11] = [
        Channel::Headlines,
        Channel::Sports,
        Channel::Entertainment,
        Channel::Finance,
        Channel::Tech,
        Channel::Auto,
        Channel::House,
        Channel::Parenting,
        Channel::Local,
        Channel::OpenCourse,
        Channel::Military,
    ];

    /// The stable ASCII slug used in URLs, the database and the import format.
    /// Architecture Invariant: slugs never change once published.
    pub fn slug(self) -> &'static str {
        match self {
            Channel::Headlines => "headlines",
            Channel::Sports => "sports",
            Channel::Entertainment => "ent",
            Channel::Finance => "finance",
            Channel::Tech => "tech",
            Channel::Auto => "auto",
            Channel::House => "house",
            Channel::Parenting => "parenting",
            Channel::Local => "local",
            Channel::OpenCourse => "open-course",
            Channel::Military => "military",
        }
    }

    /// The channel's Chinese name, as in the navigation.
    pub fn name(self) -> &'static str {
        match self {
            Channel::Headlines => "头条",
            Channel::Sports => "体育",
            Channel::Entertainment => "娱乐",
            Channel::Finance => "财经",
            Channel::Tech => "科技",
            Channel::Auto => "汽车",
            Channel::House => "房产",
            Channel::Parenting => "亲子",
            Channel::Local => "本地",
            Channel::OpenCourse => "公开课",
            Channel::Military => "军事航空",
        }
    }

    /// The title of the channel's headline block (头条要闻, 体育要闻, …).
    pub fn headline_label(self) -> &'static str {
        match self {
            Channel::Headlines => "头条要闻",
            Channel::Sports => "体育要闻",
            Channel::Entertainment => "娱乐要闻",
            Channel::Finance => "财经要闻",
            Channel::Tech => "科技要闻",
            Channel::Auto => "汽车要闻",
            Channel::House => "房产要闻",
            Channel::Parenting => "亲子要闻",
            Channel::Local => "本地新闻",
            Channel::OpenCourse => "公开课",
            Channel::Military => "军事要闻",
        }
    }

    /// Parses a slug or a Chinese name (also 要闻, 头条要闻, 军事, 航空 and the
    /// headline labels), ignoring surrounding white space and ASCII case.
    pub fn parse(value: &str) -> Result<Channel, UnknownChannel> {
        let v = value.trim();
        let lower = v.to_ascii_lowercase();
        Channel::ALL
            .into_iter()
            .find(|c| {
                c.slug() == lower
                    || c.name() == v
                    || c.headline_label() == v
                    || c.aliases().contains(&lower.as_str())
            })
            .ok_or_else(|| UnknownChannel(value.to_owned()))
    }

    fn aliases(self) -> &'static [&'static str] {
        match self {
            Channel::Headlines => &["要闻", "头条新闻", "news", "toutiao"],
            Channel::Sports => &["sport"],
            Channel::Entertainment => &["entertainment"],
            Channel::Finance => &["money", "经济"],
            Channel::Tech => &["technology"],
            Channel::Auto => &["cars", "car"],
            Channel::House => &["房地产", "realestate"],
            Channel::Parenting => &["baby", "育儿"],
            Channel::Local => &["本地要闻"],
            Channel::OpenCourse => &["opencourse", "open_course"],
            Channel::Military => &["军事", "航空", "war"],
        }
    }
}

impl fmt::Display for Channel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_unique_ascii_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for c in Channel::ALL {
            assert!(c.slug().is_ascii(), "{c:?}");
            assert!(seen.insert(c.slug()), "duplicate slug {}", c.slug());
            assert_eq!(Channel::parse(c.slug()), Ok(c));
            assert_eq!(Channel::parse(c.name()), Ok(c));
            assert_eq!(Channel::parse(c.headline_label()), Ok(c));
        }
    }

    #[test]
    fn parse_accepts_aliases_and_rejects_unknown() {
        assert_eq!(Channel::parse(" 要闻 "), Ok(Channel::Headlines));
        assert_eq!(Channel::parse("SPORTS"), Ok(Channel::Sports));
        assert_eq!(Channel::parse("军事"), Ok(Channel::Military));
        assert!(Channel::parse("天气").is_err());
        assert!(Channel::parse("").is_err());
    }
}
