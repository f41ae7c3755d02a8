//! Tests for the billing_care adapter (DESIGN §6).
