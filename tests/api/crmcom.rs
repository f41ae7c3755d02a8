//! Tests for the crmcom adapter (DESIGN §6).
