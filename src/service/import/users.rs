//! `users:` (docs/design.md §5), keyed by username, which is global. The one list still
//! looked up before it is written: a username another tenant holds is refused by name, and
//! a user already present is not re-hashed (argon2id costs far more than the look-up).

use crate::domain::ids::ApiUserId;
use crate::domain::store::NewApiUser;
use crate::domain::user::{Api, ApiSet, DigestSecret, Username};
use crate::service::auth::{hash_api_key, hash_password};

use super::importer::{Ctx, Importer};
use super::raw::FixtureFile;
use super::ImportError;

impl Importer<'_> {
    pub(super) async fn users(&mut self, file: &FixtureFile) -> Result<(), ImportError> {
        for (i, u) in file.users.iter().enumerate() {
            let ctx = Ctx::at("users", i, &u.username);
            let tenant = self.tenant(&ctx, &u.tenant).await?;
            let username = ctx.field("username", Username::parse(&u.username))?;
            if u.password.len() < 8 {
                return Err(ctx.err("password", "must be at least 8 characters"));
            }
            let apis = u
                .apis
                .iter()
                .map(|a| ctx.field("apis", a.parse::<Api>()))
                .collect::<Result<Vec<_>, _>>()?;
            if apis.is_empty() {
                return Err(ctx.err("apis", "must name at least one API"));
            }
            if let Some(key) = &u.api_key {
                if key.len() < 12 {
                    return Err(ctx.err("api_key", "must be at least 12 characters"));
                }
            }
            let customer = match &u.customer {
                Some(c) => Some(self.customer(&ctx, "customer", tenant.id, c).await?),
                None => None,
            };
            let existing = ctx.store(self.tx.user_by_username(username.as_str()).await)?;
            if let Some(existing) = &existing {
                if existing.tenant.id != tenant.id {
                    return Err(ctx.err(
                        "username",
                        "is already used in another tenant (usernames are global)",
                    ));
                }
            } else {
                let user = NewApiUser {
                    id: ApiUserId::new(),
                    tenant: tenant.id,
                    username,
                    password_hash: ctx.field("password", hash_password(&u.password))?,
                    api_key_hash: u.api_key.as_deref().map(hash_api_key),
                    apis: ApiSet::new(apis),
                    customer,
                };
                ctx.store(self.tx.insert_user(&user).await)?;
                // Only for users an operator enables, as the fixture says (the secret is
                // the password itself: docs/debitsuccess.md "WS-Security").
                if u.ws_digest {
                    let secret = DigestSecret::new(u.password.clone());
                    ctx.store(self.tx.set_digest_secret(user.id, Some(&secret)).await)?;
                }
            }
            self.counted(existing.is_none());
        }
        Ok(())
    }
}
