//! Provisioning requests (migration 0004; CRM.COM's Conax SMS-SAS requests): rows hold ids;
//! reads join the subscription, product, smartcard and users so a request renders with the
//! numbers and codes clients know.

use async_trait::async_trait;

use crate::domain::clock;
use crate::domain::ids::{
    AccountId, ApiUserId, InstalledItemId, ProductId, ProvisioningRequestId, SubscriptionId,
    TenantId,
};
use crate::domain::provisioning::{
    LifeCycleState, LogInformation, Priority, ProcessName, ProvisioningFilter,
    ProvisioningParameter, ProvisioningRequest, ProvisioningType, ServiceRef, SmartcardRef,
    SubscriptionRef, Unit, UserRef,
};
use crate::domain::store::ProvisioningRepo;
use crate::domain::DomainError;

use super::exec::Row;
use super::row::{
    corrupt, date, date_text, int, opt_text, opt_timestamp, parsed, text, timestamp, uuid,
};
use super::{Dialect, SqlTx};

/// SQLite's column lists for this table's unique constraints (see `errors.rs`).
pub(crate) const SQLITE_UNIQUE: &[(&str, &str)] = &[
    (
        "provisioning_requests.tenant_id, provisioning_requests.number",
        "uq_provisioning_requests_number",
    ),
    (
        "provisioning_requests.tenant_id, provisioning_requests.sequence_number",
        "uq_provisioning_requests_sequence_number",
    ),
];

const SELECT: &str = "SELECT r.id, r.tenant_id, r.number, r.request_type, r.sequence_number, \
     r.scheduled_date, r.executed_at, r.priority, r.life_cycle_state, r.request, r.response, \
     r.reference_number, r.error_code, r.error_description, r.process_name, r.process_id, \
     r.subscription_id, r.product_id, r.installed_item_id, r.parameters_json, r.created_at, \
     r.updated_at, r.created_by_user_id, r.updated_by_user_id, r.created_by_unit, \
     r.updated_by_unit, s.number AS subscription_number, p.code AS product_code, \
     p.alternative_code AS product_alternative_code, p.name AS product_name, \
     i.serial_number AS item_serial_number, i.alternative_code AS item_alternative_code, \
     cu.username AS created_by_username, uu.username AS updated_by_username \
     FROM provisioning_requests r \
     JOIN subscriptions s ON s.id = r.subscription_id \
     JOIN products p ON p.id = r.product_id \
     JOIN installed_items i ON i.id = r.installed_item_id \
     JOIN api_users cu ON cu.id = r.created_by_user_id \
     JOIN api_users uu ON uu.id = r.updated_by_user_id \
     WHERE r.tenant_id = $1";

fn request_from(row: &Row) -> Result<ProvisioningRequest, DomainError> {
    let parameters_json = text(row, "parameters_json")?;
    let parameters: Vec<ProvisioningParameter> = serde_json::from_str(&parameters_json)
        .map_err(|_| corrupt("parameters_json", &parameters_json))?;
    Ok(ProvisioningRequest {
        id: ProvisioningRequestId::from_uuid(uuid(row, "id")?),
        tenant: TenantId::from_uuid(uuid(row, "tenant_id")?),
        number: text(row, "number")?,
        kind: parsed(
            "request_type",
            &text(row, "request_type")?,
            ProvisioningType::parse,
        )?,
        sequence_number: int(row, "sequence_number")?,
        scheduled_date: date(row, "scheduled_date")?,
        executed_at: opt_timestamp(row, "executed_at")?,
        priority: parsed("priority", &text(row, "priority")?, Priority::parse)?,
        life_cycle_state: parsed(
            "life_cycle_state",
            &text(row, "life_cycle_state")?,
            LifeCycleState::parse,
        )?,
        request: text(row, "request")?,
        response: opt_text(row, "response")?,
        reference_number: opt_text(row, "reference_number")?,
        error_code: opt_text(row, "error_code")?,
        error_description: opt_text(row, "error_description")?,
        process_name: parsed(
            "process_name",
            &text(row, "process_name")?,
            ProcessName::parse,
        )?,
        process_id: opt_text(row, "process_id")?,
        subscription: SubscriptionRef {
            id: SubscriptionId::from_uuid(uuid(row, "subscription_id")?),
            number: text(row, "subscription_number")?,
        },
        service: ServiceRef {
            id: ProductId::from_uuid(uuid(row, "product_id")?),
            code: text(row, "product_code")?,
            alternative_code: opt_text(row, "product_alternative_code")?,
            name: text(row, "product_name")?,
        },
        smartcard: SmartcardRef {
            id: InstalledItemId::from_uuid(uuid(row, "installed_item_id")?),
            serial_number: text(row, "item_serial_number")?,
            alternative_code: opt_text(row, "item_alternative_code")?,
        },
        parameters,
        log: LogInformation {
            created_at: timestamp(row, "created_at")?,
            updated_at: timestamp(row, "updated_at")?,
            created_by: UserRef {
                id: ApiUserId::from_uuid(uuid(row, "created_by_user_id")?),
                username: text(row, "created_by_username")?,
            },
            updated_by: UserRef {
                id: ApiUserId::from_uuid(uuid(row, "updated_by_user_id")?),
                username: text(row, "updated_by_username")?,
            },
            created_by_unit: parsed(
                "created_by_unit",
                &text(row, "created_by_unit")?,
                Unit::parse,
            )?,
            updated_by_unit: parsed(
                "updated_by_unit",
                &text(row, "updated_by_unit")?,
                Unit::parse,
            )?,
        },
    })
}

async fn insert<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    r: &ProvisioningRequest,
) -> Result<(), DomainError> {
    let parameters = serde_json::to_string(&r.parameters).map_err(DomainError::internal)?;
    tx.query(
        "INSERT INTO provisioning_requests (id, tenant_id, number, request_type, sequence_number, \
         scheduled_date, executed_at, priority, life_cycle_state, request, response, \
         reference_number, error_code, error_description, process_name, process_id, \
         subscription_id, product_id, installed_item_id, parameters_json, created_at, updated_at, \
         created_by_user_id, updated_by_user_id, created_by_unit, updated_by_unit) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, \
         $19, $20, $21, $22, $23, $24, $25, $26)",
    )
    .bind(r.id.to_string())
    .bind(r.tenant.to_string())
    .bind(&r.number)
    .bind(r.kind.as_str())
    .bind(r.sequence_number)
    .bind(date_text(r.scheduled_date))
    .bind(r.executed_at.map(clock::to_storage))
    .bind(r.priority.as_str())
    .bind(r.life_cycle_state.as_str())
    .bind(&r.request)
    .bind(r.response.as_deref())
    .bind(r.reference_number.as_deref())
    .bind(r.error_code.as_deref())
    .bind(r.error_description.as_deref())
    .bind(r.process_name.as_str())
    .bind(r.process_id.as_deref())
    .bind(r.subscription.id.to_string())
    .bind(r.service.id.to_string())
    .bind(r.smartcard.id.to_string())
    .bind(parameters)
    .bind(clock::to_storage(r.log.created_at))
    .bind(clock::to_storage(r.log.updated_at))
    .bind(r.log.created_by.id.to_string())
    .bind(r.log.updated_by.id.to_string())
    .bind(r.log.created_by_unit.as_str())
    .bind(r.log.updated_by_unit.as_str())
    .execute()
    .await?;
    Ok(())
}

/// One request of the tenant whose `column` (`r.id` or `r.number`) equals `value`.
async fn one<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    tenant: TenantId,
    column: &'static str,
    value: &str,
) -> Result<Option<ProvisioningRequest>, DomainError> {
    tx.query(&format!("{SELECT} AND {column} = $2"))
        .bind(tenant.to_string())
        .bind(value)
        .fetch_optional()
        .await?
        .map(|row| request_from(&row))
        .transpose()
}

async fn list<D: Dialect>(
    tx: &mut SqlTx<'_, D>,
    tenant: TenantId,
    filter: &ProvisioningFilter,
) -> Result<Vec<ProvisioningRequest>, DomainError> {
    // Only the filters given become predicates, numbered in order.
    let mut sql = String::from(SELECT);
    let mut next = 2;
    if filter.kind.is_some() {
        sql.push_str(&format!(" AND r.request_type = ${next}"));
        next += 1;
    }
    if filter.life_cycle_state.is_some() {
        sql.push_str(&format!(" AND r.life_cycle_state = ${next}"));
        next += 1;
    }
    sql.push_str(&format!(
        " ORDER BY r.sequence_number LIMIT ${next} OFFSET ${}",
        next + 1
    ));
    let mut query = tx.query(&sql).bind(tenant.to_string());
    if let Some(kind) = filter.kind {
        query = query.bind(kind);
    }
    if let Some(state) = filter.life_cycle_state {
        query = query.bind(state.as_str());
    }
    let rows = query
        .bind(filter.limit)
        .bind(filter.offset)
        .fetch_all()
        .await?;
    rows.iter().map(request_from).collect()
}

#[async_trait]
impl<D: Dialect> ProvisioningRepo for SqlTx<'_, D> {
    async fn insert_provisioning_request(
        &mut self,
        request: &ProvisioningRequest,
    ) -> Result<(), DomainError> {
        insert(self, request).await
    }

    async fn provisioning_request(
        &mut self,
        tenant: TenantId,
        id: ProvisioningRequestId,
    ) -> Result<Option<ProvisioningRequest>, DomainError> {
        one(self, tenant, "r.id", &id.to_string()).await
    }

    async fn provisioning_request_by_number(
        &mut self,
        tenant: TenantId,
        number: &str,
    ) -> Result<Option<ProvisioningRequest>, DomainError> {
        one(self, tenant, "r.number", number).await
    }

    async fn provisioning_requests_of_account(
        &mut self,
        tenant: TenantId,
        account: AccountId,
        limit: i64,
    ) -> Result<Vec<ProvisioningRequest>, DomainError> {
        // ix_subscriptions_account, then ix_provisioning_requests_subscription.
        let rows = self
            .query(&format!(
                "{SELECT} AND s.account_id = $2 ORDER BY r.sequence_number LIMIT $3"
            ))
            .bind(tenant.to_string())
            .bind(account.to_string())
            .bind(limit)
            .fetch_all()
            .await?;
        rows.iter().map(request_from).collect()
    }

    async fn provisioning_requests(
        &mut self,
        tenant: TenantId,
        filter: &ProvisioningFilter,
    ) -> Result<Vec<ProvisioningRequest>, DomainError> {
        list(self, tenant, filter).await
    }
}
