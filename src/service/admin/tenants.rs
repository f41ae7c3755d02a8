//! Tenants through the admin API (issue 19 item 2; docs/operations.md "Admin API"): list,
//! read, create, disable and enable. A disabled tenant's users are refused by every vendor
//! API (`ApiUser::may_call`); its data stays.

use serde_json::json;

use crate::domain::ids::TenantId;
use crate::domain::operator::Operator;
use crate::domain::store::{Kept, TenantRecord};
use crate::domain::tenant::{Tenant, TenantCode, TimeZone};
use crate::domain::DomainError;
use crate::service::Services;

use super::changes::{plain_text, AdminChange};

/// The audit rows' `entity_type`; the entity id is the tenant's code, its natural key
/// (docs/design.md §3), as bundles are audited by POID.
pub const ENTITY: &str = "tenant";

/// A tenant to create, as the operator sent it.
#[derive(Clone, Debug)]
pub struct NewTenant {
    pub code: String,
    pub name: String,
    pub timezone: Option<String>,
}

/// A tenant as audit rows record it.
pub fn tenant_view(record: &TenantRecord) -> serde_json::Value {
    json!({
        "code": record.tenant.code.as_str(),
        "name": record.tenant.name,
        "timezone": record.tenant.time_zone.name(),
        "disabled": record.disabled_at.is_some(),
    })
}

impl Services {
    /// Tenants by code after `after`, at most `limit`.
    pub async fn admin_tenants(
        &self,
        after: Option<&TenantCode>,
        limit: i64,
    ) -> Result<Vec<TenantRecord>, DomainError> {
        let mut read = self.store.read().await?;
        read.tenants_page(after, limit).await
    }

    pub async fn admin_tenant(&self, code: &TenantCode) -> Result<TenantRecord, DomainError> {
        let mut read = self.store.read().await?;
        read.tenant_record(code)
            .await?
            .ok_or(DomainError::NotFound("tenant"))
    }

    /// Creates a tenant; a code in use is `Conflict { constraint: "uq_tenants_code" }`.
    pub async fn admin_create_tenant(
        &self,
        operator: &Operator,
        new: NewTenant,
    ) -> Result<TenantRecord, DomainError> {
        let code = TenantCode::parse(&new.code)?;
        let time_zone = match &new.timezone {
            None => TimeZone::default(),
            Some(name) => TimeZone::parse(name)?,
        };
        let now = self.clock.now();
        let record = TenantRecord {
            tenant: Tenant {
                id: TenantId::new(),
                code,
                name: plain_text("name", &new.name, 200)?,
                time_zone,
            },
            created_at: now,
            disabled_at: None,
        };
        let operator = operator.clone();
        self.write(move |tx| {
            Box::pin(async move {
                tx.insert_tenant(&record.tenant, now).await?;
                AdminChange {
                    operator: &operator,
                    at: now,
                    tenant: record.tenant.id,
                    operation: "admin.tenant.create",
                    entity_type: ENTITY,
                    entity_id: record.tenant.code.as_str().to_owned(),
                }
                .record(tx, None, Some(tenant_view(&record)))
                .await?;
                Ok(Kept::commit(record))
            })
        })
        .await
    }

    /// Disables or enables a tenant. Already so: answered as it is, nothing written.
    pub async fn admin_set_tenant_disabled(
        &self,
        operator: &Operator,
        code: &TenantCode,
        disabled: bool,
    ) -> Result<TenantRecord, DomainError> {
        let now = self.clock.now();
        let (operator, code) = (operator.clone(), code.clone());
        self.write(move |tx| {
            Box::pin(async move {
                let before = tx
                    .tenant_record(&code)
                    .await?
                    .ok_or(DomainError::NotFound("tenant"))?;
                let at = disabled.then_some(now);
                if !tx.set_tenant_disabled(before.tenant.id, at).await? {
                    return Ok(Kept::commit(before));
                }
                let after = TenantRecord {
                    disabled_at: at,
                    ..before.clone()
                };
                AdminChange {
                    operator: &operator,
                    at: now,
                    tenant: before.tenant.id,
                    operation: if disabled {
                        "admin.tenant.disable"
                    } else {
                        "admin.tenant.enable"
                    },
                    entity_type: ENTITY,
                    entity_id: code.as_str().to_owned(),
                }
                .record(tx, Some(tenant_view(&before)), Some(tenant_view(&after)))
                .await?;
                Ok(Kept::commit(after))
            })
        })
        .await
    }
}
