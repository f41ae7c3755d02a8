//! The dates Debitsuccess clients send. The contract types them `xs:dateTime` (WCF's
//! `DateTime`), the documentation asks for `yyyy-MM-dd` (vendor notes: "Must be formatted as
//! yyyy-MM-dd"), so both lexical forms are accepted, with an optional time zone.
//!
//! Our reading of 14020 ("contains time part"): WCF clients serialise every `DateTime` with
//! a time, `T00:00:00` for a plain date, and the real service deserialises into a .NET
//! `DateTime`, where a date and that date at midnight are the same value. So only a time of
//! day other than midnight is a time part; `2031-12-31T00:00:00` draws no warning.
//! The unset .NET value `0001-01-01T00:00:00` means "absent" (docs/design.md §6.1).
//!
//! Wire parsing, so it lives in the adapter: the use-case receives a [`SentDate`] (a date,
//! whether a time of day came with it, or why the text is not a date) and knows nothing of
//! `xs:dateTime` or .NET.

use chrono::{NaiveDate, NaiveTime};

use crate::service::debitsuccess::command::{DateReading, Day, SentDate};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct WireDate {
    date: NaiveDate,
    /// A time of day other than midnight was sent (warning 14020).
    has_time: bool,
}

/// The client's text and what it means. Blank text is no date ("empty counts as absent",
/// docs/design.md §6.1), like the unset .NET value.
pub fn read(text: String) -> SentDate {
    let reading = if text.trim().is_empty() {
        DateReading::Absent
    } else {
        match parse(&text) {
            Ok(Some(WireDate { date, has_time })) => DateReading::Day(Day {
                date,
                time_of_day: has_time,
            }),
            Ok(None) => DateReading::Absent,
            Err(reason) => DateReading::Malformed { reason },
        }
    };
    SentDate { text, reading }
}

const EXPECTED: &str =
    "is not a valid date (expected yyyy-MM-dd, optionally followed by a time such as T00:00:00)";

/// `Ok(None)` for the unset .NET date; `Err(reason)` completes "The value '…' of element '…' ".
fn parse(text: &str) -> Result<Option<WireDate>, &'static str> {
    let text = text.trim();
    let (date_text, rest) = text.split_at_checked(10).ok_or(EXPECTED)?;
    let date = parse_date(date_text).ok_or(EXPECTED)?;
    let (time, zone) = match rest.strip_prefix('T') {
        Some(rest) => {
            let end = rest.find(['Z', '+', '-']).unwrap_or(rest.len());
            let (time, zone) = rest.split_at(end);
            (Some(parse_time(time).ok_or(EXPECTED)?), zone)
        }
        None => (None, rest),
    };
    if !valid_zone(zone) {
        return Err(EXPECTED);
    }
    let has_time = time.is_some_and(|t| t != NaiveTime::MIN);
    // .NET's `DateTime.MinValue`, what an unset date serialises as.
    if Some(date) == NaiveDate::from_ymd_opt(1, 1, 1) && !has_time {
        return Ok(None);
    }
    Ok(Some(WireDate { date, has_time }))
}

fn digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// Exactly `yyyy-MM-dd`, a real calendar date.
fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
        return None;
    }
    let (year, month, day) = (text.get(0..4)?, text.get(5..7)?, text.get(8..10)?);
    if !(digits(year) && digits(month) && digits(day)) {
        return None;
    }
    NaiveDate::from_ymd_opt(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
}

/// `hh:mm:ss` with optional fractional seconds.
fn parse_time(text: &str) -> Option<NaiveTime> {
    let (clock, fraction) = match text.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    let mut parts = clock.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || [h, m, s].iter().any(|p| p.len() != 2 || !digits(p)) {
        return None;
    }
    if fraction.is_some_and(|f| !digits(f)) {
        return None;
    }
    let nanos = fraction
        .map(|f| {
            let mut padded: String = f.chars().take(9).collect();
            while padded.len() < 9 {
                padded.push('0');
            }
            padded.parse::<u32>().ok()
        })
        .unwrap_or(Some(0))?;
    NaiveTime::from_hms_nano_opt(h.parse().ok()?, m.parse().ok()?, s.parse().ok()?, nanos)
}

/// Nothing, `Z`, or `±hh:mm`.
fn valid_zone(zone: &str) -> bool {
    if zone.is_empty() || zone == "Z" {
        return true;
    }
    let Some(rest) = zone.strip_prefix('+').or_else(|| zone.strip_prefix('-')) else {
        return false;
    };
    match rest.split_once(':') {
        Some((h, m)) if h.len() == 2 && m.len() == 2 && digits(h) && digits(m) => {
            h.parse::<u32>().is_ok_and(|h| h <= 14) && m.parse::<u32>().is_ok_and(|m| m < 60)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_and_midnights_carry_no_time_part() {
        for text in [
            "2031-12-31",
            " 2031-12-31 ",
            "2031-12-31T00:00:00",
            "2031-12-31T00:00:00.0000000",
            "2031-12-31T00:00:00Z",
            "2031-12-31T00:00:00+13:00",
            "2031-12-31Z",
            "2031-12-31-05:00",
        ] {
            assert_eq!(
                parse(text),
                Ok(Some(WireDate {
                    date: date(2031, 12, 31),
                    has_time: false
                })),
                "{text}"
            );
        }
    }

    #[test]
    fn other_times_are_time_parts() {
        for text in [
            "2031-12-31T10:30:00",
            "2031-12-31T00:00:00.5",
            "2031-12-31T23:59:59.9999999+13:00",
            "2031-12-31T00:00:01Z",
        ] {
            assert_eq!(
                parse(text),
                Ok(Some(WireDate {
                    date: date(2031, 12, 31),
                    has_time: true
                })),
                "{text}"
            );
        }
    }

    #[test]
    fn the_unset_net_date_is_absent() {
        assert_eq!(parse("0001-01-01T00:00:00"), Ok(None));
        assert_eq!(parse("0001-01-01"), Ok(None));
    }

    #[test]
    fn blank_text_is_absent_and_the_text_is_kept() {
        assert_eq!(read(" \t".into()).reading, DateReading::Absent);
        assert_eq!(read("0001-01-01".into()).reading, DateReading::Absent);
        let sent = read(" 2031-12-31T10:30:00 ".into());
        assert_eq!(sent.text, " 2031-12-31T10:30:00 ");
        assert_eq!(
            sent.reading,
            DateReading::Day(Day {
                date: date(2031, 12, 31),
                time_of_day: true
            })
        );
        assert_eq!(
            read("31/12/2031".into()).reading,
            DateReading::Malformed { reason: EXPECTED }
        );
    }

    #[test]
    fn anything_else_is_refused() {
        for text in [
            "",
            "2031-12-32",
            "2031-02-29",
            "31/12/2031",
            "2031-1-31",
            "20311231",
            "2031-12-31T25:00:00",
            "2031-12-31T10:30",
            "2031-12-31T10:30:00.",
            "2031-12-31T10:30:00+1300",
            "2031-12-31T10:30:00+15:00",
            "2031-12-31 10:30:00",
            "２０３１-12-31",
            "2031-12-31Té",
        ] {
            assert_eq!(parse(text), Err(EXPECTED), "{text}");
        }
    }
}
