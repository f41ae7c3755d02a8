//! Oracle BRM portal object ids (docs/design.md §6.4): `0.0.0.1+-account+174257` is database
//! `0.0.0.1`, type `/account` (a `-` stands for each `/`), id `174257`.

use std::fmt;

use super::DomainError;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Poid {
    db: String,
    /// The BRM type with its slashes: `/account`, `/service/email`, `/deal`.
    kind: String,
    id: u64,
}

impl Poid {
    pub fn parse(text: &str) -> Result<Self, DomainError> {
        let bad =
            |why: &str| DomainError::invalid("poid", format!("'{text}' is not a POID ({why})"));
        let mut parts = text.split('+');
        let (Some(db), Some(kind), Some(id), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad("expected <db>+-<type>+<id>"));
        };
        let db_ok = !db.is_empty()
            && db
                .split('.')
                .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if !db_ok {
            return Err(bad("the database part must be dotted digits"));
        }
        let Some(type_path) = kind.strip_prefix('-') else {
            return Err(bad("the type must start with '-'"));
        };
        let segments_ok = !type_path.is_empty()
            && type_path.split('-').all(|s| {
                !s.is_empty()
                    && s.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            });
        if !segments_ok {
            return Err(bad("the type must be lowercase words separated by '-'"));
        }
        if id.is_empty() || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("the id must be digits"));
        }
        let id = id.parse().map_err(|_| bad("the id is too large"))?;
        Ok(Poid {
            db: db.to_owned(),
            kind: format!("/{}", type_path.replace('-', "/")),
            id,
        })
    }

    /// The BRM type path, e.g. `/service/email`.
    pub fn kind(&self) -> &str {
        &self.kind
    }

    pub fn id(&self) -> u64 {
        self.id
    }

    /// True when the type is `base` or one of its subtypes (`/service` covers `/service/email`).
    pub fn is_a(&self, base: &str) -> bool {
        self.kind == base
            || self
                .kind
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with('/'))
    }
}

impl fmt::Display for Poid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}+-{}+{}",
            self.db,
            &self.kind[1..].replace('/', "-"),
            self.id
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_seed_examples() {
        let account = Poid::parse("0.0.0.1+-account+174257").unwrap();
        assert_eq!(account.kind(), "/account");
        assert_eq!(account.id(), 174257);
        let service = Poid::parse("0.0.0.1+-service-email+175025").unwrap();
        assert!(service.is_a("/service"));
        assert!(!service.is_a("/serv"));
        assert_eq!(service.to_string(), "0.0.0.1+-service-email+175025");
    }

    #[test]
    fn refuses_malformed_ids() {
        for bad in [
            "",
            "0.0.0.1",
            "0.0.0.1+account+1",
            "0.0.0.1+-account+",
            "0.0.0.1+-account+12a",
            "x+-account+1",
            "0.0.0.1+-Account+1",
            "0.0.0.1+-account+1+2",
            "0.0.0.1+--+1",
        ] {
            assert!(Poid::parse(bad).is_err(), "{bad}");
        }
    }
}
