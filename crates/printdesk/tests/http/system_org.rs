//! Tests of system_org.
