//! The shopper's browser, as the composite API's `payment.browser`,
//! `payment.authentication` and `payment.referer` describe it (EMV 3-D
//! Secure browser data).

use serde::{Deserialize, Serialize};

/// The `payment.browser` object, normalised. Fields in the order of the
/// composite API's examples.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowserInfo {
    /// `navigator.javaEnabled()`; false when unknown.
    pub java_enabled: bool,
    /// Always true: this code runs in JavaScript.
    pub javascript_enabled: bool,
    /// `new Date().getTimezoneOffset()`: minutes, UTC minus local (India is
    /// −330), within −840..=720; 0 when unknown.
    pub timezone_offset: i32,
    /// `screen.colorDepth`, rounded down to the EMV 3-D Secure set
    /// {1, 4, 8, 15, 16, 24, 32, 48}; 24 when unknown.
    pub color_depth: u32,
    /// `screen.width` in pixels, 1..=65535; 0 when unknown.
    pub screen_width: u32,
    /// `screen.height` in pixels, 1..=65535; 0 when unknown.
    pub screen_height: u32,
}

/// The browser's values as read, before normalising: any may be missing,
/// `NaN`, infinite, negative or fractional.
#[derive(Clone, Copy, Debug, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct RawBrowser {
    /// `navigator.javaEnabled()`.
    pub java_enabled: Option<bool>,
    /// Ignored: JavaScript is enabled.
    pub javascript_enabled: Option<bool>,
    /// `new Date().getTimezoneOffset()`.
    pub timezone_offset: Option<f64>,
    /// `screen.width`.
    pub screen_width: Option<f64>,
    /// `screen.height`.
    pub screen_height: Option<f64>,
    /// `screen.colorDepth`.
    pub color_depth: Option<f64>,
}

/// The colour depths EMV 3-D Secure allows, ascending.
pub const COLOR_DEPTHS: [u32; 8] = [1, 4, 8, 15, 16, 24, 32, 48];

/// The colour depth used when the browser does not tell.
pub const DEFAULT_COLOR_DEPTH: u32 = 24;

/// Minutes: UTC−12 (`720`) to UTC+14 (`−840`).
pub const TIMEZONE_OFFSETS: std::ops::RangeInclusive<i32> = -840..=720;

/// The largest screen dimension accepted.
pub const MAX_SCREEN: u32 = 65_535;

impl BrowserInfo {
    /// Normalises what the browser reported. Never panics, whatever the
    /// numbers (`NaN`, infinities, negatives, fractions).
    ///
    /// # Example
    /// ```
    /// use razorpay_checkout_wasm::checkout::{BrowserInfo, RawBrowser};
    /// let b = BrowserInfo::from_raw(RawBrowser {
    ///     timezone_offset: Some(-330.0),
    ///     color_depth: Some(30.0),
    ///     screen_width: Some(1440.0),
    ///     screen_height: Some(f64::NAN),
    ///     ..Default::default()
    /// });
    /// assert_eq!((b.timezone_offset, b.color_depth), (-330, 24));
    /// assert_eq!((b.screen_width, b.screen_height), (1440, 0));
    /// assert!(b.javascript_enabled && !b.java_enabled);
    /// ```
    pub fn from_raw(raw: RawBrowser) -> BrowserInfo {
        BrowserInfo {
            java_enabled: raw.java_enabled.unwrap_or(false),
            javascript_enabled: true,
            timezone_offset: timezone_offset(raw.timezone_offset),
            color_depth: color_depth(raw.color_depth),
            screen_width: screen(raw.screen_width),
            screen_height: screen(raw.screen_height),
        }
    }
}

/// An integer within `lo..=hi`, or `None`.
fn integer_in(v: Option<f64>, lo: f64, hi: f64) -> Option<f64> {
    v.filter(|v| v.is_finite() && v.fract() == 0.0 && (lo..=hi).contains(v))
}

fn timezone_offset(v: Option<f64>) -> i32 {
    integer_in(
        v,
        f64::from(*TIMEZONE_OFFSETS.start()),
        f64::from(*TIMEZONE_OFFSETS.end()),
    )
    .map_or(0, |v| v as i32)
}

fn screen(v: Option<f64>) -> u32 {
    integer_in(v, 1.0, f64::from(MAX_SCREEN)).map_or(0, |v| v as u32)
}

fn color_depth(v: Option<f64>) -> u32 {
    match v {
        // `NaN` fails both comparisons and falls through to the default.
        Some(v) if v >= 1.0 => COLOR_DEPTHS
            .iter()
            .rev()
            .copied()
            .find(|&d| f64::from(d) <= v)
            .unwrap_or(DEFAULT_COLOR_DEPTH),
        _ => DEFAULT_COLOR_DEPTH,
    }
}

/// How the shopper authenticates: always `browser` here.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthenticationChannel {
    /// `browser`
    #[default]
    Browser,
}

/// The `payment.authentication` object: `{ "authentication_channel": "browser" }`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authentication {
    /// Always [`AuthenticationChannel::Browser`].
    pub authentication_channel: AuthenticationChannel,
}

impl Authentication {
    /// `{ "authentication_channel": "browser" }`.
    pub const BROWSER: Authentication = Authentication {
        authentication_channel: AuthenticationChannel::Browser,
    };
}

/// The `referer` for a page URL: the URL without its `#fragment` (which
/// browsers never send in a `Referer` header).
///
/// # Example
/// ```
/// use razorpay_checkout_wasm::checkout::referer_from_url;
/// assert_eq!(referer_from_url("https://shop.example/pay?x=1#card"), "https://shop.example/pay?x=1");
/// ```
pub fn referer_from_url(href: &str) -> String {
    href.split('#').next().unwrap_or(href).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw_depth(v: Option<f64>) -> u32 {
        BrowserInfo::from_raw(RawBrowser {
            color_depth: v,
            ..Default::default()
        })
        .color_depth
    }

    #[test]
    fn color_depth_rounds_down_to_the_emv_set() {
        let table: &[(Option<f64>, u32)] = &[
            (None, 24),
            (Some(f64::NAN), 24),
            (Some(f64::NEG_INFINITY), 24),
            (Some(-24.0), 24),
            (Some(0.0), 24),
            (Some(0.5), 24),
            (Some(1.0), 1),
            (Some(3.9), 1),
            (Some(4.0), 4),
            (Some(8.0), 8),
            (Some(14.0), 8),
            (Some(15.0), 15),
            (Some(16.0), 16),
            (Some(23.0), 16),
            (Some(24.0), 24),
            (Some(30.0), 24),
            (Some(32.0), 32),
            (Some(47.9), 32),
            (Some(48.0), 48),
            (Some(64.0), 48),
            (Some(f64::INFINITY), 48),
            (Some(f64::MAX), 48),
        ];
        for (v, want) in table {
            assert_eq!(raw_depth(*v), *want, "{v:?}");
        }
    }

    #[test]
    fn timezone_offset_table() {
        let table: &[(Option<f64>, i32)] = &[
            (Some(-330.0), -330),
            (Some(0.0), 0),
            (Some(-0.0), 0),
            (Some(300.0), 300),
            (Some(720.0), 720),
            (Some(-840.0), -840),
            (Some(721.0), 0),
            (Some(-841.0), 0),
            (Some(-345.5), 0),
            (Some(f64::NAN), 0),
            (Some(f64::INFINITY), 0),
            (Some(f64::NEG_INFINITY), 0),
            (None, 0),
        ];
        for (v, want) in table {
            let b = BrowserInfo::from_raw(RawBrowser {
                timezone_offset: *v,
                ..Default::default()
            });
            assert_eq!(b.timezone_offset, *want, "{v:?}");
        }
    }

    #[test]
    fn screen_table() {
        let table: &[(Option<f64>, u32)] = &[
            (Some(1920.0), 1920),
            (Some(1.0), 1),
            (Some(65_535.0), 65_535),
            (Some(65_536.0), 0),
            (Some(0.0), 0),
            (Some(-1080.0), 0),
            (Some(1366.5), 0),
            (Some(f64::NAN), 0),
            (Some(f64::INFINITY), 0),
            (None, 0),
        ];
        for (v, want) in table {
            let b = BrowserInfo::from_raw(RawBrowser {
                screen_width: *v,
                screen_height: *v,
                ..Default::default()
            });
            assert_eq!((b.screen_width, b.screen_height), (*want, *want), "{v:?}");
        }
    }

    #[test]
    fn flags_and_wire_shape() {
        let b = BrowserInfo::from_raw(RawBrowser {
            java_enabled: Some(true),
            javascript_enabled: Some(false),
            timezone_offset: Some(-330.0),
            screen_width: Some(1440.0),
            screen_height: Some(900.0),
            color_depth: Some(30.0),
        });
        assert_eq!(
            serde_json::to_string(&b).unwrap(),
            r#"{"java_enabled":true,"javascript_enabled":true,"timezone_offset":-330,"color_depth":24,"screen_width":1440,"screen_height":900}"#
        );
        let empty = BrowserInfo::from_raw(RawBrowser::default());
        assert_eq!(
            empty,
            BrowserInfo {
                java_enabled: false,
                javascript_enabled: true,
                timezone_offset: 0,
                color_depth: 24,
                screen_width: 0,
                screen_height: 0
            }
        );
        let back: BrowserInfo = serde_json::from_str(&serde_json::to_string(&b).unwrap()).unwrap();
        assert_eq!(back, b);
        let raw: RawBrowser =
            serde_json::from_str(r#"{"color_depth":30,"java_enabled":null}"#).unwrap();
        assert_eq!(raw.color_depth, Some(30.0));
        assert_eq!(
            serde_json::to_string(&Authentication::BROWSER).unwrap(),
            r#"{"authentication_channel":"browser"}"#
        );
    }

    #[test]
    fn referer_drops_only_the_fragment() {
        let table = [
            ("https://shop.example/pay", "https://shop.example/pay"),
            (
                "https://shop.example/pay?a=1&b=2#frag",
                "https://shop.example/pay?a=1&b=2",
            ),
            ("https://shop.example/#", "https://shop.example/"),
            ("https://shop.example/a#b#c", "https://shop.example/a"),
            ("", ""),
        ];
        for (href, want) in table {
            assert_eq!(referer_from_url(href), want);
        }
    }
}
