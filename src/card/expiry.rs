//! Card expiry: a month and a year as typed (separately or as one `MM/YY`
//! field), checked against an injected clock.

use serde::Serialize;

use crate::error::{Error, ErrorKind};

/// How many years ahead an expiry may be before it is refused.
pub const MAX_YEARS_AHEAD: u32 = 20;

/// A calendar month, the unit expiry is compared in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct YearMonth {
    /// Four-digit year.
    pub year: u32,
    /// 1–12.
    pub month: u32,
}

impl YearMonth {
    /// The earliest calendar month anywhere on Earth at `ms` milliseconds
    /// since the Unix epoch.
    ///
    /// Time zones reach from UTC−12 to UTC+14, so the month of `ms − 12 h`
    /// in UTC is the earliest local month: a card is never called expired
    /// while it is still the expiry month somewhere. The gateway makes the
    /// final call. Non-finite or negative clocks fall back to the epoch,
    /// clocks past the year 9999 are held there.
    pub fn earliest_at(ms: f64) -> YearMonth {
        /// 9999-12-31T23:59:59.999Z
        const MAX_MS: f64 = 253_402_300_799_999.0;
        let ms = if ms.is_finite() && ms > 0.0 {
            ms.min(MAX_MS)
        } else {
            0.0
        };
        let days = ((ms - 12.0 * 3_600_000.0) / 86_400_000.0).floor() as i64;
        civil_from_days(days)
    }

    /// Months since year 0. Any fields (they are public): no overflow, a
    /// month 0 counts as 1.
    fn index(self) -> u64 {
        u64::from(self.year) * 12 + u64::from(self.month.saturating_sub(1))
    }
}

/// Howard Hinnant's `civil_from_days`: days since 1970-01-01 → (year, month).
fn civil_from_days(z: i64) -> YearMonth {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    YearMonth {
        year: y.clamp(0, 9999) as u32,
        month: m as u32,
    }
}

/// A parsed expiry: month 1–12 and a four-digit year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expiry {
    /// 1–12.
    pub month: u32,
    /// Four-digit year.
    pub year: u32,
}

/// The expiry in the composite API's format: `MM` and `YY`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ExpiryFields {
    /// Two-digit month, `01`–`12`.
    pub expiry_month: String,
    /// Two-digit year.
    pub expiry_year: String,
}

fn two_digits(n: u32) -> String {
    let n = n % 100;
    let mut s = String::with_capacity(2);
    s.push(char::from(b'0' + (n / 10) as u8));
    s.push(char::from(b'0' + (n % 10) as u8));
    s
}

impl Expiry {
    /// `MM` and `YY` for the payload.
    pub fn fields(self) -> ExpiryFields {
        ExpiryFields {
            expiry_month: two_digits(self.month),
            expiry_year: two_digits(self.year),
        }
    }

    /// Checks the expiry against the clock.
    ///
    /// # Errors
    /// `expired` on `expiry_year` (or `expiry_month` in the current year)
    /// before the current month; `too_far_ahead` on `expiry_year` beyond
    /// [`MAX_YEARS_AHEAD`] years.
    pub fn check(self, now: YearMonth) -> Result<Expiry, Error> {
        let this = YearMonth {
            year: self.year,
            month: self.month,
        };
        if this < now {
            let field = if self.year == now.year {
                "expiry_month"
            } else {
                "expiry_year"
            };
            return Err(Error::invalid(
                ErrorKind::Expired,
                field,
                "The card has expired",
            ));
        }
        if this.index() > now.index() + u64::from(MAX_YEARS_AHEAD * 12) {
            return Err(Error::invalid(
                ErrorKind::TooFarAhead,
                "expiry_year",
                "The expiry_year must be within 20 years from now",
            ));
        }
        Ok(self)
    }
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn number(s: &str) -> u32 {
    s.bytes().fold(0, |acc, b| {
        acc.saturating_mul(10).saturating_add(u32::from(b - b'0'))
    })
}

/// Parses a month: `1`–`12` or `01`–`12`.
///
/// # Errors
/// `required` when blank, `invalid_month` otherwise.
pub fn parse_month(text: &str) -> Result<u32, Error> {
    let t = super::trim(text);
    if t.is_empty() {
        return Err(Error::required("expiry_month"));
    }
    let m = if t.len() <= 2 && all_digits(t) {
        number(t)
    } else {
        0
    };
    if (1..=12).contains(&m) {
        Ok(m)
    } else {
        Err(Error::invalid(
            ErrorKind::InvalidMonth,
            "expiry_month",
            "The expiry_month must be between 01 and 12",
        ))
    }
}

/// Parses a year: `YY` or `YYYY`. `YY` is the year ending in those digits
/// from 20 years back to 79 ahead (in 2026: `06`–`99` are 2006–2099, `00`–`05`
/// 2100–2105): a shopper's card expired a few years ago at most, so `12/99`
/// means 2099 and is "too far ahead", exactly as `12/2099` is, never a 1999
/// card "expired".
///
/// # Errors
/// `required` when blank, `invalid_year` otherwise.
pub fn parse_year(text: &str, now: YearMonth) -> Result<u32, Error> {
    let t = super::trim(text);
    if t.is_empty() {
        return Err(Error::required("expiry_year"));
    }
    if !all_digits(t) || !(t.len() == 2 || t.len() == 4) {
        return Err(Error::invalid(
            ErrorKind::InvalidYear,
            "expiry_year",
            "The expiry_year must be in YY or YYYY format",
        ));
    }
    let y = number(t);
    if t.len() == 4 {
        return Ok(y);
    }
    // The window from 20 years back to 79 ahead. Saturating: `now` has
    // public fields, and a year near `u32::MAX` must not overflow.
    let mut full = (now.year / 100 * 100).saturating_add(y);
    if full.saturating_add(20) < now.year {
        full = full.saturating_add(100);
    } else if full > now.year.saturating_add(79) {
        full = full.saturating_sub(100);
    }
    Ok(full)
}

/// A combined expiry field (`MM/YY`, as [`parse_combined`] reads it),
/// parsed and checked against `now`, every error on the one field the
/// shopper typed: `expiry` (`required` as "The expiry is required").
///
/// # Errors
/// The errors of [`parse_combined`] and [`Expiry::check`], on `expiry`.
pub fn check_combined(text: &str, now: YearMonth) -> Result<Expiry, Error> {
    parse_combined(text, now)
        .and_then(|e| e.check(now))
        .map_err(|e| {
            if e.kind() == ErrorKind::Required {
                Error::required("expiry")
            } else {
                e.with_field("expiry")
            }
        })
}

/// Parses a combined expiry field: `MM/YY`, `MM / YYYY`, `MM-YY`, `MMYY`,
/// `MMYYYY`, `M/YY`. (Its errors name the part at fault; the card engine
/// puts them on `expiry` through [`check_combined`].)
///
/// # Errors
/// `required` on `expiry_month` when blank; `invalid_format` on
/// `expiry_month` when it has no recognisable shape; the month and year
/// errors of [`parse_month`] and [`parse_year`].
pub fn parse_combined(text: &str, now: YearMonth) -> Result<Expiry, Error> {
    let t = super::trim(text);
    if t.is_empty() {
        return Err(Error::required("expiry_month"));
    }
    // (By bytes: the separators are ASCII, so every cut is on a char
    // boundary; `str::find` and `trim_start_matches` with a char set cost
    // the card entry 0.3 KB.)
    let separator = |b: &u8| matches!(b, b'/' | b'-' | b' ' | b'.');
    let (m, y) = match t.bytes().position(|b| separator(&b)) {
        Some(i) => {
            let (m, rest) = t.split_at(i);
            let skip = rest.bytes().take_while(separator).count();
            (super::trim(m), rest.get(skip..).unwrap_or(""))
        }
        None if all_digits(t) && (t.len() == 4 || t.len() == 6) => t.split_at(2),
        None => ("", ""),
    };
    if m.is_empty() || y.is_empty() || !all_digits(m) || !all_digits(y) {
        return Err(Error::invalid(
            ErrorKind::InvalidFormat,
            "expiry_month",
            "The expiry must be in MM/YY or MM/YYYY format",
        ));
    }
    Ok(Expiry {
        month: parse_month(m)?,
        year: parse_year(y, now)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ym(year: u32, month: u32) -> YearMonth {
        YearMonth { year, month }
    }

    #[test]
    fn earliest_month_from_a_clock() {
        // 2026-11-23T11:00Z
        assert_eq!(YearMonth::earliest_at(1_795_431_600_000.0), ym(2026, 11));
        // 2027-01-01T05:00Z: still 31 December in Hawaii and Baker Island.
        assert_eq!(YearMonth::earliest_at(1_798_779_600_000.0), ym(2026, 12));
        // 2027-01-01T13:00Z: January everywhere.
        assert_eq!(YearMonth::earliest_at(1_798_808_400_000.0), ym(2027, 1));
        assert_eq!(YearMonth::earliest_at(f64::NAN), ym(1969, 12));
        assert_eq!(YearMonth::earliest_at(f64::MAX), ym(9999, 12));
        assert_eq!(YearMonth::earliest_at(-5.0), ym(1969, 12));
        // 2000-02-29T12:00Z
        assert_eq!(YearMonth::earliest_at(951_825_600_000.0), ym(2000, 2));
    }

    #[test]
    fn months() {
        for (t, m) in [("1", 1), ("01", 1), (" 9 ", 9), ("12", 12), ("10", 10)] {
            assert_eq!(parse_month(t).unwrap(), m, "{t}");
        }
        for t in ["0", "00", "13", "001", "1a", "-1", "١"] {
            assert_eq!(
                parse_month(t).unwrap_err().kind(),
                ErrorKind::InvalidMonth,
                "{t}"
            );
        }
        assert_eq!(parse_month("").unwrap_err().kind(), ErrorKind::Required);
    }

    #[test]
    fn years() {
        let now = ym(2026, 11);
        for (t, y) in [
            ("30", 2030),
            ("2030", 2030),
            ("26", 2026),
            ("06", 2006),
            ("05", 2105),
            ("76", 2076),
            ("99", 2099),
            ("00", 2100),
        ] {
            assert_eq!(parse_year(t, now).unwrap(), y, "{t}");
        }
        for t in ["3", "203", "20300", "2a"] {
            assert_eq!(
                parse_year(t, now).unwrap_err().kind(),
                ErrorKind::InvalidYear,
                "{t}"
            );
        }
        // Near a century end, 01 is the next century.
        assert_eq!(parse_year("01", ym(2095, 1)).unwrap(), 2101);
    }

    #[test]
    fn combined_shapes() {
        let now = ym(2026, 11);
        for t in [
            "12/30",
            "12 / 2030",
            "12-30",
            "1230",
            "122030",
            "12/2030",
            " 12 /30 ",
        ] {
            let e = parse_combined(t, now).unwrap();
            assert_eq!((e.month, e.year), (12, 2030), "{t}");
        }
        assert_eq!(parse_combined("1/30", now).unwrap().month, 1);
        for t in ["12", "12/", "/30", "12/3a", "123", "12345", "ab/cd"] {
            assert_eq!(
                parse_combined(t, now).unwrap_err().kind(),
                ErrorKind::InvalidFormat,
                "{t}"
            );
        }
        assert_eq!(
            parse_combined("13/30", now).unwrap_err().kind(),
            ErrorKind::InvalidMonth
        );
        assert_eq!(
            parse_combined("12/301", now).unwrap_err().kind(),
            ErrorKind::InvalidYear
        );
    }

    #[test]
    fn expired_and_too_far_across_year_ends() {
        let table: &[(YearMonth, u32, u32, Option<ErrorKind>)] = &[
            (ym(2026, 11), 11, 2026, None),
            (ym(2026, 11), 10, 2026, Some(ErrorKind::Expired)),
            (ym(2026, 11), 12, 2025, Some(ErrorKind::Expired)),
            (ym(2026, 12), 12, 2026, None),
            (ym(2027, 1), 12, 2026, Some(ErrorKind::Expired)),
            (ym(2027, 1), 1, 2027, None),
            (ym(2026, 11), 11, 2046, None),
            (ym(2026, 11), 12, 2046, Some(ErrorKind::TooFarAhead)),
            (ym(2026, 11), 1, 2099, Some(ErrorKind::TooFarAhead)),
        ];
        for (now, m, y, want) in table {
            let got = Expiry {
                month: *m,
                year: *y,
            }
            .check(*now)
            .err()
            .map(|e| e.kind());
            assert_eq!(got, *want, "{m}/{y} at {now:?}");
        }
    }

    #[test]
    fn two_and_four_digit_years_get_the_same_verdict() {
        let now = ym(2026, 11);
        // Every refusal here is on `expiry_year`.
        let verdict = |text: &str| {
            parse_combined(text, now)
                .and_then(|e| e.check(now))
                .err()
                .map(|e| {
                    assert_eq!(e.field(), Some("expiry_year"), "{text}");
                    e.kind()
                })
        };
        let (too_far, expired) = (Some(ErrorKind::TooFarAhead), Some(ErrorKind::Expired));
        let table: &[(&str, &str, Option<ErrorKind>)] = &[
            ("12/99", "12/2099", too_far),
            ("12/76", "12/2076", too_far),
            ("12/47", "12/2047", too_far),
            ("11/46", "11/2046", None),
            ("12/30", "12/2030", None),
            ("12/25", "12/2025", expired),
            ("12/06", "12/2006", expired),
        ];
        for (short, long, want) in table {
            assert_eq!(verdict(short), *want, "{short}");
            assert_eq!(verdict(long), *want, "{long}");
        }
    }

    #[test]
    fn any_clock_fields_do_not_overflow() {
        // Found by fuzz/ (expiry): `YearMonth` and `Expiry` have public
        // fields; extreme values overflowed `index` and `parse_year`.
        let far = ym(u32::MAX, 12);
        assert_eq!(
            Expiry {
                month: 1,
                year: 2030
            }
            .check(far)
            .unwrap_err()
            .kind(),
            ErrorKind::Expired
        );
        assert_eq!(
            Expiry {
                month: 12,
                year: u32::MAX
            }
            .check(ym(2026, 11))
            .unwrap_err()
            .kind(),
            ErrorKind::TooFarAhead
        );
        assert!(Expiry {
            month: 0,
            year: 2030
        }
        .check(ym(2026, 0))
        .is_ok());
        assert!(parse_year("99", far).is_ok());
        assert!(parse_year("99", ym(0, 1)).is_ok());
    }

    #[test]
    fn payload_format_is_mm_yy() {
        let f = Expiry {
            month: 3,
            year: 2030,
        }
        .fields();
        assert_eq!(
            (f.expiry_month.as_str(), f.expiry_year.as_str()),
            ("03", "30")
        );
    }
}
