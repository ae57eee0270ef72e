//! Helpers for the end-to-end tests: build the real book with the pinned mdBook and read its HTML.
