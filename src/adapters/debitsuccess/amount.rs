//! Money on the JSON form's wire (docs/debitsuccess.md, "Money"; docs/design.md §7): a JSON
//! number written from the integer cents with exactly two decimals (`960.00`), the same
//! digits the XML's `xs:decimal` carries. It never passes through a binary float: serde_json
//! writes the digits verbatim (`RawValue`) and reads them back as text.

use std::borrow::Cow;
use std::fmt;

use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaFormat, SchemaType, Type};
use utoipa::openapi::RefOr;

use crate::domain::money::Money;

/// An amount as the JSON form and the XML replies write it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Amount(pub Money);

impl fmt::Display for Amount {
    /// `1200.00`, `-0.07`: two decimals from the cents.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // `Money`'s text is a valid JSON number, so serde_json writes it as it is.
        RawValue::from_string(self.to_string())
            .map_err(S::Error::custom)?
            .serialize(serializer)
    }
}

/// Reads a stored reply back (a replayed request `Id`): the number's own digits, so
/// `1200.00` and the `1200.0` older replies hold both give 120000 cents. Only through
/// serde_json and outside `#[serde(flatten)]`, which would have turned the number into a
/// float first (see `AccountResult`'s `from`).
impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(deserializer)?;
        Money::parse(raw.get())
            .map(Amount)
            .map_err(|e| D::Error::custom(format!("{}: {e}", raw.get())))
    }
}

/// In `/openapi.json`: a JSON number in hundredths. `format: decimal` (the OpenAPI format
/// registry's fixed-point decimal) tells generators not to map it to a binary float.
impl utoipa::PartialSchema for Amount {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::new(Type::Number))
            .format(Some(SchemaFormat::Custom("decimal".into())))
            .multiple_of(Some(0.01))
            .description(Some(
                "An exact amount, written with exactly two decimals from integer cents \
                 (`960.00`), never a binary float's approximation.",
            ))
            .examples([serde_json::json!(960.0)])
            .into()
    }
}

impl utoipa::ToSchema for Amount {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DsAmount")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize, Deserialize, Debug, PartialEq)]
    struct Holder {
        v: Option<Amount>,
    }

    fn amount(cents: i64) -> Amount {
        Amount(Money::from_cents(cents))
    }

    #[test]
    fn amounts_are_written_with_exactly_two_decimals() {
        for (cents, bytes) in [
            (96_000, r#"{"v":960.00}"#),
            (120_000, r#"{"v":1200.00}"#),
            (1_999, r#"{"v":19.99}"#),
            (7, r#"{"v":0.07}"#),
            (-7, r#"{"v":-0.07}"#),
            (0, r#"{"v":0.00}"#),
            // Beyond 2^53 cents a float would have lost the last digits.
            (9_007_199_254_740_993, r#"{"v":90071992547409.93}"#),
        ] {
            let holder = Holder {
                v: Some(amount(cents)),
            };
            assert_eq!(serde_json::to_string(&holder).unwrap(), bytes);
            assert_eq!(serde_json::from_str::<Holder>(bytes).unwrap(), holder);
        }
        assert_eq!(
            serde_json::to_string(&Holder { v: None }).unwrap(),
            r#"{"v":null}"#
        );
    }

    #[test]
    fn stored_replies_of_older_releases_read_back_exactly() {
        let old: Holder = serde_json::from_str(r#"{"v":1200.0}"#).unwrap();
        assert_eq!(old.v, Some(amount(120_000)));
        assert!(serde_json::from_str::<Holder>(r#"{"v":1.005}"#).is_err());
        assert!(serde_json::from_str::<Holder>(r#"{"v":"12.00"}"#).is_err());
    }

    #[test]
    fn the_schema_says_number_in_hundredths() {
        let schema = serde_json::to_value(<Amount as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "number");
        assert_eq!(schema["multipleOf"], 0.01);
        assert_eq!(schema["format"], "decimal");
    }
}
