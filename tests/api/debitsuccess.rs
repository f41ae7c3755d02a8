//! Tests for the debitsuccess adapter (DESIGN §6).
