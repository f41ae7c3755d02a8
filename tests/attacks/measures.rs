//! What the attack tests check besides the status: the vendor's own error format, that nothing
//! was written, and the process's memory.

use crate::helpers::TestApp;
use crate::targets::{Target, Vendor};

impl Target {
    /// Whether `body` (with `status`) is this vendor's own error format.
    pub fn is_vendor_error(&self, status: u16, body: &str) -> bool {
        match self.vendor {
            // WCF: a SOAP 1.1 fault (500 for a Client fault; 413 for the size limit).
            Vendor::DebitsuccessSoap => {
                (status == 500 || status == 413 || status == 400)
                    && body.contains(":Fault>")
                    && body.contains("http://schemas.xmlsoap.org/soap/envelope/")
            }
            // A Failed reply with code 100 (docs/debitsuccess.md: protocol errors).
            Vendor::DebitsuccessJson => {
                status >= 400 && body.contains("Failed") && body.contains("100")
            }
            Vendor::Flolive => status >= 400 && body.contains("CUSTOMER_1048"),
            // CRM.COM: the envelope with an error status code and no data; most of its
            // errors keep HTTP 200 (docs/crmcom.md).
            Vendor::Crmcom => {
                body.contains("status") && body.contains("Exception") && !body.contains("\"OK\"")
            }
            Vendor::BillingCare => status >= 400 && body.contains("errorCode"),
            Vendor::Verizon => status >= 400 && body.contains("reason"),
        }
    }
}

/// Rows that any accepted request would add: none may appear while under attack.
pub async fn fingerprint(app: &TestApp) -> Vec<i64> {
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(app.db.url()).await.unwrap();
    let mut counts = vec![];
    for table in [
        "audit_events",
        "jobs",
        "idempotency_keys",
        "operation_requests",
        "provisioning_requests",
    ] {
        let row = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        counts.push(row.try_get::<i64, _>(0).unwrap());
    }
    counts
}

/// `VmRSS` and `VmHWM` of this process (the server runs in it), in KiB.
pub fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// Resets `VmHWM` to the current resident size (Linux: `5` written to `/proc/self/clear_refs`),
/// so that the peak read after a request is that request's, not an earlier one (the demo
/// import's argon2 hashing, say) standing above it and hiding it.
pub fn reset_peak() {
    std::fs::write("/proc/self/clear_refs", "5").expect("VmHWM can be reset (Linux ≥ 4.0)");
}
