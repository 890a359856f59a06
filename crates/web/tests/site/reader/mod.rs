//! The reader site: the article page, lists, serving (cache, validators,
//! views, shares, errors) and 相关推荐.

mod article_page;
mod lists;
mod related;
mod serving;
