use async_trait::async_trait;
use chrono::NaiveDate;

use crate::domain::account::{Account, AccountReferenceNo, AccountStatus, ExternalReferenceNo};
use crate::domain::ids::{AccountId, CustomerId, TenantId};
use crate::domain::poid::Poid;
use crate::domain::DomainError;

#[async_trait]
pub trait AccountRepo: Send {
    async fn insert_account(&mut self, account: &Account) -> Result<(), DomainError>;
    async fn account(
        &mut self,
        tenant: TenantId,
        id: AccountId,
    ) -> Result<Option<Account>, DomainError>;
    async fn account_by_reference(
        &mut self,
        tenant: TenantId,
        reference: &AccountReferenceNo,
    ) -> Result<Option<Account>, DomainError>;
    /// The tenant's account carrying this POID (Billing Care names accounts by POID).
    async fn account_id_by_poid(
        &mut self,
        tenant: TenantId,
        poid: &Poid,
    ) -> Result<Option<AccountId>, DomainError>;
    /// Accounts matching every reference given (at least one must be given). At most
    /// `limit` rows come back: callers only need to tell none, one and several apart.
    async fn find_accounts(
        &mut self,
        tenant: TenantId,
        reference: Option<&AccountReferenceNo>,
        external: Option<&ExternalReferenceNo>,
        limit: i64,
    ) -> Result<Vec<Account>, DomainError>;
    /// The account by id in whichever tenant holds it (the admin API's account view).
    async fn account_anywhere(&mut self, id: AccountId) -> Result<Option<Account>, DomainError>;
    /// The tenant's accounts carrying `text` as reference number or external reference,
    /// `poid` as POID, or `customer` as customer id (any one; `None` matches nothing), by
    /// reference number, at most `limit` (the admin API's look-up by any vendor's identifier).
    async fn accounts_identified_by(
        &mut self,
        tenant: TenantId,
        text: &str,
        poid: Option<&Poid>,
        customer: Option<CustomerId>,
        limit: i64,
    ) -> Result<Vec<Account>, DomainError>;
    async fn set_termination_date(
        &mut self,
        tenant: TenantId,
        id: AccountId,
        date: Option<NaiveDate>,
    ) -> Result<(), DomainError>;
    async fn set_account_status(
        &mut self,
        tenant: TenantId,
        id: AccountId,
        status: AccountStatus,
    ) -> Result<(), DomainError>;

    /// Inserts the account unless its tenant has one with its reference number
    /// (`uq_accounts_reference_no`): true when inserted. Any other conflict (a POID in use)
    /// is still an error. One statement (the fixture import).
    async fn insert_account_if_absent(&mut self, account: &Account) -> Result<bool, DomainError>;
}
