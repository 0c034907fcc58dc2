//! Tests of ops.
