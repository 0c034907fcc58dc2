//! Tests of finance.
