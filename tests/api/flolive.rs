//! Tests for the flolive adapter (DESIGN §6).
