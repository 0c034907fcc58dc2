//! The user's language: [`Locale`] and message lookup in the catalogs under `locales/`.
//!
//! Simplified Chinese (zh-CN) is the source catalog; Traditional Chinese (zh-TW) and English (en)
//! translate it, and a test proves that every key exists in every locale. Lookups go through
//! rust-i18n; code names a key, never a sentence. A [`Message`] carries a key and its arguments so
//! that the language is chosen when the message is shown, not when the rule produced it.

/// A supported UI language. Chosen per user; zh-CN when nothing says otherwise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Locale {
    #[default]
    ZhCn,
    ZhTw,
    En,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::ZhCn, Locale::ZhTw, Locale::En];

    /// The code stored on the user and in the `pd_locale` cookie.
    pub fn code(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::ZhTw => "zh-TW",
            Locale::En => "en",
        }
    }

    /// The language's own name, for the picker.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::ZhCn => "简体中文",
            Locale::ZhTw => "繁體中文",
            Locale::En => "English",
        }
    }

    pub fn from_code(code: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|locale| locale.code().eq_ignore_ascii_case(code))
    }

    /// Picks the best locale for an `Accept-Language` header.
    pub fn from_accept_language(header: &str) -> Locale {
        for part in header.split(',') {
            let tag = part
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if tag.starts_with("en") {
                return Locale::En;
            }
            if tag == "zh-tw" || tag == "zh-hk" || tag == "zh-mo" || tag.starts_with("zh-hant") {
                return Locale::ZhTw;
            }
            if tag.starts_with("zh") {
                return Locale::ZhCn;
            }
        }
        Locale::ZhCn
    }

    /// The text of `key` in this language.
    pub fn t(self, key: &str) -> String {
        rust_i18n::t!(key, locale = self.code()).into_owned()
    }

    /// The text of `key` with `%{name}` placeholders filled.
    pub fn t_args(self, key: &str, args: &[(&str, &str)]) -> String {
        let mut text = self.t(key);
        for (name, value) in args {
            text = text.replace(&format!("%{{{name}}}"), value);
        }
        text
    }

    /// The HTML `lang` attribute.
    pub fn html_lang(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-Hans",
            Locale::ZhTw => "zh-Hant",
            Locale::En => "en",
        }
    }
}

/// Anything that names a locale: a `Locale` or a reference to one, as templates pass them.
pub trait AsLocale {
    fn as_locale(&self) -> Locale;
}

impl AsLocale for Locale {
    fn as_locale(&self) -> Locale {
        *self
    }
}

impl<T: AsLocale + ?Sized> AsLocale for &T {
    fn as_locale(&self) -> Locale {
        (**self).as_locale()
    }
}

/// A message to show a person: a catalog key plus named arguments, rendered in their language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    key: &'static str,
    args: Vec<(&'static str, String)>,
}

impl Message {
    pub fn new(key: &'static str) -> Message {
        Message {
            key,
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Message {
        self.args.push((name, value.to_string()));
        self
    }

    pub fn key(&self) -> &'static str {
        self.key
    }

    pub fn render(&self, locale: Locale) -> String {
        let args: Vec<(&str, &str)> = self.args.iter().map(|(n, v)| (*n, v.as_str())).collect();
        locale.t_args(self.key, &args)
    }
}
