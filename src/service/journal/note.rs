//! What only the handler learns about its request — who the caller is, the vendor's
//! operation and outcome code — noted for the journal (docs/operations.md "Request
//! journal").
//!
//! A task-local, not a parameter: the caller is known where credentials are checked
//! (`service::auth` and the token use-cases), several calls below the adapter, and the
//! outcome where each adapter renders its reply. The journal's middleware opens a
//! [`Note`] around the request (`adapters::http::journal`); code running outside a
//! request (the worker, the CLI) finds none and notes nothing. A unit of work runs on
//! SQLite's writer thread, outside the request's task: callers are noted after it returns.

use std::sync::{Arc, Mutex};

use crate::domain::user::Principal;

tokio::task_local! {
    static NOTE: Arc<Mutex<Noted>>;
}

/// What a request's handler noted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Noted {
    /// Tenant code and username of the authenticated caller.
    pub caller: Option<(String, String)>,
    /// The vendor's operation name, when the route does not tell it (SOAP).
    pub operation: Option<String>,
    /// The vendor's outcome code.
    pub outcome: Option<String>,
}

/// The note of one request, shared with the code it runs.
#[derive(Clone, Default)]
pub struct Note(Arc<Mutex<Noted>>);

impl Note {
    /// Runs `request` with this note open.
    pub async fn scope<F: std::future::Future>(&self, request: F) -> F::Output {
        NOTE.scope(self.0.clone(), request).await
    }

    pub fn taken(&self) -> Noted {
        match self.0.lock() {
            Ok(mut noted) => std::mem::take(&mut *noted),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }
}

fn with(change: impl FnOnce(&mut Noted)) {
    let _ = NOTE.try_with(|note| {
        if let Ok(mut noted) = note.lock() {
            change(&mut noted);
        }
    });
}

/// The request's caller, once its credentials have been verified.
pub fn caller(principal: &Principal) {
    with(|noted| {
        noted.caller = Some((
            principal.tenant.code.as_str().to_owned(),
            principal.username.as_str().to_owned(),
        ))
    });
}

/// The vendor's outcome code (and its operation name, when the adapter knows it better
/// than the route does).
pub fn outcome(operation: Option<&str>, code: &str) {
    with(|noted| {
        if let Some(operation) = operation {
            noted.operation = Some(operation.to_owned());
        }
        noted.outcome = Some(code.to_owned());
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn notes_reach_the_scope_and_nothing_breaks_outside_one() {
        outcome(Some("Outside"), "00");
        let note = Note::default();
        note.scope(async {
            tokio::task::yield_now().await;
            outcome(Some("AdjustAccountTerminationDate"), "00");
        })
        .await;
        let noted = note.taken();
        assert_eq!(
            noted.operation.as_deref(),
            Some("AdjustAccountTerminationDate")
        );
        assert_eq!(noted.outcome.as_deref(), Some("00"));
        assert_eq!(noted.caller, None);
    }
}
