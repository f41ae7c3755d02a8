//! Accounts (docs/console.md "Pages"): a look-up by tenant and any vendor's identifier
//! (the admin API's `GET /admin/v1/accounts`), and one account across vendors with its
//! audit history (`GET /admin/v1/accounts/{id}` and `GET /admin/v1/audit`): the same
//! services, and the admin API's own representation of the account, shown as tables.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;
use serde_json::Value;

use crate::adapters::admin::{account_json, view_json};
use crate::adapters::http::AppState;
use crate::domain::audit::AuditRecord;
use crate::domain::clock;
use crate::domain::ids::AccountId;
use crate::domain::tenant::TenantCode;
use crate::domain::DomainError;
use crate::service::admin::audit::HistoryRequest;

use super::{render, signed_in, Layout, Section};

pub const PATH: &str = "/console/accounts";
pub const ONE: &str = "/console/accounts/{id}";

/// A JSON object as (field, shown value) pairs: text as is, null as "—", anything else
/// (numbers, lists, nested objects) as compact JSON.
type Fields = Vec<(String, String)>;

fn shown(value: &Value) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn fields(value: &Value) -> Fields {
    match value {
        Value::Object(map) => map.iter().map(|(k, v)| (k.clone(), shown(v))).collect(),
        _ => Vec::new(),
    }
}

/// A list of objects as a table: the columns are the first row's fields (every row of a
/// list has the same representation).
struct Table {
    title: &'static str,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
    truncated: bool,
}

fn table(title: &'static str, key: &str, view: &Value, truncated: &[&str]) -> Table {
    let items = view[key].as_array().cloned().unwrap_or_default();
    let columns: Vec<String> = items
        .first()
        .and_then(Value::as_object)
        .map(|first| first.keys().cloned().collect())
        .unwrap_or_default();
    let rows = items
        .iter()
        .map(|item| columns.iter().map(|c| shown(&item[c.as_str()])).collect())
        .collect();
    Table {
        title,
        columns,
        rows,
        truncated: truncated.contains(&key_name(key)),
    }
}

/// The service's name of a list cut at its cap (`AccountView::truncated`).
fn key_name(key: &str) -> &'static str {
    match key {
        "product_instances" => "instances",
        "bundles" => "bundles",
        "disconnect_orders" => "disconnectOrders",
        "provisioning_requests" => "provisioningRequests",
        _ => "operations",
    }
}

#[derive(Deserialize)]
struct Search {
    tenant: Option<String>,
    q: Option<String>,
}

/// A matched account as its row shows it.
struct MatchRow {
    href: String,
    fields: Fields,
    matched: String,
}

#[derive(askama::Template)]
#[template(path = "console/accounts.html")]
struct SearchPage {
    layout: Layout,
    tenant: String,
    q: String,
    searched: bool,
    matches: Vec<MatchRow>,
    more: bool,
    error: Option<String>,
}

fn given(value: Option<String>) -> Option<String> {
    value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

pub async fn search(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let session = match signed_in(&req, &state).await {
        Ok(session) => session,
        Err(to_login) => return to_login,
    };
    let search = web::Query::<Search>::from_query(req.query_string())
        .map(web::Query::into_inner)
        .unwrap_or(Search {
            tenant: None,
            q: None,
        });
    let (tenant, q) = (given(search.tenant), given(search.q));
    let mut page = SearchPage {
        layout: Layout::signed_in("Accounts", Section::Accounts, &session),
        tenant: tenant.clone().unwrap_or_default(),
        q: q.clone().unwrap_or_default(),
        searched: false,
        matches: Vec::new(),
        more: false,
        error: None,
    };
    // The empty form: nothing asked yet.
    if tenant.is_none() && q.is_none() {
        return render(StatusCode::OK, &page);
    }
    let found = async {
        let tenant = tenant.ok_or_else(|| DomainError::invalid("tenant", "required"))?;
        let q = q.ok_or_else(|| DomainError::invalid("identifier", "required"))?;
        let code = TenantCode::parse(&tenant)?;
        let found = state.services.admin_find_accounts(&code, &q).await?;
        Ok::<_, DomainError>((found, code))
    }
    .await;
    match found {
        Ok((found, code)) => {
            page.searched = true;
            page.more = found.more;
            page.matches = found
                .accounts
                .iter()
                .map(|m| MatchRow {
                    href: format!("{PATH}/{}", m.account.id),
                    fields: fields(&account_json(&m.account, code.as_str())),
                    matched: m
                        .matched
                        .iter()
                        .map(|i| i.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })
                .collect();
            render(StatusCode::OK, &page)
        }
        Err(error @ (DomainError::Invalid { .. } | DomainError::NotFound(_))) => {
            let status = match error {
                DomainError::NotFound(_) => StatusCode::NOT_FOUND,
                _ => StatusCode::BAD_REQUEST,
            };
            page.error = Some(match error {
                DomainError::NotFound(what) => format!("No such {what}."),
                other => other.to_string(),
            });
            render(status, &page)
        }
        Err(error) => super::failure(Some(&session), &error),
    }
}

/// An audit row as the history shows it.
struct HistoryRow {
    at: String,
    channel: &'static str,
    operation: String,
    user: String,
    initiator: String,
    request_id: Option<String>,
    request_href: String,
    before: String,
    after: String,
}

impl From<AuditRecord> for HistoryRow {
    fn from(r: AuditRecord) -> Self {
        let e = r.event;
        let json = |v: Option<Value>| v.map(|v| v.to_string()).unwrap_or_default();
        let request_href = e
            .request_id
            .as_deref()
            .map(|id| {
                format!(
                    "{}?{}",
                    super::requests::PATH,
                    url::form_urlencoded::Serializer::new(String::new())
                        .append_pair("request_id", id)
                        .finish()
                )
            })
            .unwrap_or_default();
        HistoryRow {
            at: clock::to_storage(e.at),
            channel: e.channel.as_str(),
            operation: e.operation,
            user: r.username.unwrap_or_default(),
            initiator: e.initiator.unwrap_or_default(),
            request_id: e.request_id,
            request_href,
            before: json(e.before),
            after: json(e.after),
        }
    }
}

#[derive(askama::Template)]
#[template(path = "console/account.html")]
struct AccountPage {
    layout: Layout,
    reference: String,
    account: Fields,
    customer: Fields,
    tables: Vec<Table>,
    history: Vec<HistoryRow>,
    /// The link to the history's next page, when this one was full.
    history_next: Option<String>,
}

#[derive(Deserialize)]
struct HistoryAt {
    after: Option<String>,
}

/// One account across vendors, with its audit history (oldest first, a page of 100).
pub async fn one(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let session = match signed_in(&req, &state).await {
        Ok(session) => session,
        Err(to_login) => return to_login,
    };
    let after = web::Query::<HistoryAt>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.into_inner().after);
    let found = async {
        let account = AccountId::parse(&id).map_err(|_| DomainError::NotFound("account"))?;
        let view = state.services.admin_account(account).await?;
        let request = HistoryRequest::parse(
            Some(&format!("account:{}", view.account.id)),
            Some(view.tenant.code.as_str()),
            after.as_deref(),
            None,
        )?;
        let history = state.services.admin_audit(&request).await?;
        Ok::<_, DomainError>((view, request, history))
    }
    .await;
    let (view, request, history) = match found {
        Ok(found) => found,
        Err(error) => return super::failure(Some(&session), &error),
    };
    let reference = view.account.reference_no.as_str().to_owned();
    let history_next = (history.records.len() as i64 == request.limit)
        .then(|| format!("{PATH}/{}?after={}", view.account.id, history.next));
    let json = view_json(view);
    let truncated: Vec<&str> = json["truncated"]
        .as_array()
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let tables = vec![
        table("Product instances", "product_instances", &json, &truncated),
        table("Bundles", "bundles", &json, &truncated),
        table("Disconnect orders", "disconnect_orders", &json, &truncated),
        table(
            "Provisioning requests",
            "provisioning_requests",
            &json,
            &truncated,
        ),
        table("floLIVE operations", "operations", &json, &truncated),
    ];
    render(
        StatusCode::OK,
        &AccountPage {
            layout: Layout::signed_in("Account", Section::Accounts, &session),
            reference,
            account: fields(&json["account"]),
            customer: fields(&json["customer"]),
            tables,
            history: history.records.into_iter().map(HistoryRow::from).collect(),
            history_next,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_become_tables_with_the_first_row_s_columns() {
        let view = serde_json::json!({
            "bundles": [{"poid": "0.0.0.1", "status": null, "n": 3}, {"poid": "x", "n": [1]}],
            "truncated": ["bundles"],
        });
        let t = table("Bundles", "bundles", &view, &["bundles"]);
        assert_eq!(t.columns, ["n", "poid", "status"]);
        assert_eq!(t.rows[0], ["3", "0.0.0.1", "—"]);
        assert_eq!(t.rows[1], ["[1]", "x", "—"]);
        assert!(t.truncated);
        let empty = table("Operations", "operations", &view, &[]);
        assert!(empty.columns.is_empty() && empty.rows.is_empty() && !empty.truncated);
    }
}
