//! The one lifecycle of a product instance (docs/design.md §3 "Product instance lifecycle"):
//! an instance is ACTIVE until it ends, once, as DETACHED (a floLIVE detach completes) or
//! CANCELLED (a Verizon disconnect completes; a Billing Care bundle cancel takes effect at
//! once). The end is final and dated: `effective_to` is the instant it took effect.
//!
//! Every API that ends an instance goes through one guarded store method
//! (`ProductInstanceRepo::end_instance`): a conditional `UPDATE … WHERE status = 'ACTIVE'`, so a
//! change committed by another transaction between a use-case's read and its write is
//! never overwritten (on PostgreSQL the guard is re-checked on the row's newest version),
//! and the caller learns what the guard actually saw.

use chrono::{DateTime, Utc};

use super::catalog::InstanceStatus;

/// How an ACTIVE instance ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceEnd {
    /// The floLIVE *Detach Customer Product* page: "the product is detached".
    Detached,
    /// Taken down by a disconnect order or a bundle cancel.
    Cancelled,
}

impl InstanceEnd {
    /// The status the instance has once ended.
    pub fn status(self) -> InstanceStatus {
        match self {
            InstanceEnd::Detached => InstanceStatus::Detached,
            InstanceEnd::Cancelled => InstanceStatus::Cancelled,
        }
    }
}

impl InstanceStatus {
    /// The guard: only an ACTIVE instance can end; DETACHED and CANCELLED are final.
    pub fn can_end(self) -> bool {
        self == InstanceStatus::Active
    }
}

/// What the guarded change found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// The instance was ACTIVE; it is now ended, effective at the given instant.
    Applied { at: DateTime<Utc> },
    /// The instance had already ended: the status the guard saw. Nothing changed.
    Refused { seen: InstanceStatus },
    /// The tenant has no such instance.
    Missing,
}

impl Transition {
    pub fn applied(&self) -> bool {
        matches!(self, Transition::Applied { .. })
    }

    /// The audit row of an applied change: the state the guard saw and the state it left
    /// (docs/design.md §4: each change with its audit row; the instant is the row's own
    /// time). `None` when nothing changed.
    pub fn audit_states(&self, end: InstanceEnd) -> Option<(serde_json::Value, serde_json::Value)> {
        if !self.applied() {
            return None;
        }
        Some((
            serde_json::json!({ "status": InstanceStatus::Active.as_str() }),
            serde_json::json!({ "status": end.status().as_str() }),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn only_an_active_instance_can_end() {
        assert!(InstanceStatus::Active.can_end());
        assert!(!InstanceStatus::Detached.can_end());
        assert!(!InstanceStatus::Cancelled.can_end());
    }

    #[test]
    fn each_end_has_its_status() {
        assert_eq!(InstanceEnd::Detached.status(), InstanceStatus::Detached);
        assert_eq!(InstanceEnd::Cancelled.status(), InstanceStatus::Cancelled);
    }

    #[test]
    fn only_an_applied_change_is_audited_with_what_the_guard_saw() {
        let at = Utc.with_ymd_and_hms(2026, 11, 26, 9, 14, 0).unwrap();
        let (before, after) = Transition::Applied { at }
            .audit_states(InstanceEnd::Cancelled)
            .unwrap();
        assert_eq!(before["status"], "ACTIVE");
        assert_eq!(after, serde_json::json!({ "status": "CANCELLED" }));
        let refused = Transition::Refused {
            seen: InstanceStatus::Detached,
        };
        assert!(refused.audit_states(InstanceEnd::Cancelled).is_none());
        assert!(!refused.applied());
        assert!(Transition::Missing
            .audit_states(InstanceEnd::Detached)
            .is_none());
    }
}
