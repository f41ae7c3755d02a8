//! HTTP plumbing shared by every vendor adapter: negotiation, the XML gate, credentials,
//! observability, the request journal, health, the OpenAPI document, and the answers to requests
//! no route takes (RFC 9457 problems for paths no vendor owns).

pub mod client_addr;
pub mod credentials;
pub mod health;
pub mod html;
pub mod journal;
pub mod miss;
pub mod negotiation;
pub mod observability;
pub mod openapi;
pub mod origin;
pub mod problem;
pub mod public_url;
pub mod xml_gate;
pub mod xml_text;

use std::sync::Arc;

use crate::config::Settings;
use crate::service::Services;

/// What every handler is given (as `web::Data<AppState>`).
pub struct AppState {
    pub services: Arc<Services>,
    pub settings: Settings,
}
