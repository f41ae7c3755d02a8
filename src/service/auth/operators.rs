//! Operators' password check (issue 18 item 1): the same bounded, throttled path as vendor
//! users' (the module documentation of `super`), so guessing an operator's password is
//! throttled and answered after the same delay, and an unknown name costs the same hash.

use crate::domain::operator::Operator;
use crate::domain::store::Store;
use crate::domain::DomainError;

use super::{dummy_hash, Attempt, Authenticator, Refusal};

impl Authenticator {
    /// Operator name + password, for the admin API. Vendor API users are not operators:
    /// their names are unknown here (and operators are unknown to [`Authenticator::password`]).
    pub async fn operator_password(
        &self,
        store: &dyn Store,
        attempt: Attempt<'_>,
    ) -> Result<Operator, DomainError> {
        // No operator name holds a NUL (`OperatorName`); PostgreSQL would refuse one in a
        // parameter, so such a name is unknown without a query, as for vendor users.
        let operator = match attempt.username.contains('\0') {
            true => None,
            false => {
                let mut read = store.read().await?;
                read.operator_by_name(attempt.username).await?
            }
        };
        let phc = operator
            .as_ref()
            .map_or_else(|| dummy_hash(), |o| o.password_hash.as_str());
        let outcome = match self.check_password(phc, attempt).await? {
            Err(retry_after) => Err((Refusal::Throttled, Some(retry_after))),
            Ok(true) => operator.ok_or((Refusal::UnknownUser, None)),
            Ok(false) if operator.is_none() => Err((Refusal::UnknownUser, None)),
            Ok(false) => Err((Refusal::WrongSecret, None)),
        };
        match outcome {
            Ok(operator) => Ok(operator),
            Err((refusal, retry_after)) => {
                tracing::info!(?refusal, "operator credentials refused");
                tokio::time::sleep(self.failure_delay).await;
                Err(match retry_after {
                    Some(retry_after) => DomainError::Throttled { retry_after },
                    None => DomainError::Unauthenticated,
                })
            }
        }
    }
}
