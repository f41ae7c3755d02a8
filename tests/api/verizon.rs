//! Tests for the verizon adapter (DESIGN §6).
