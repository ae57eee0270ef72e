#!/usr/bin/env bash
# Unit tests of the search engine (crates/search-zh/assets/search-zh.js) on fixed text, with
# Node's test runner: tokenizer parity with the Rust side, query parsing, ranking, snippets.
set -euo pipefail
cd "$(dirname "$0")/../.."
node --test crates/search-zh/tests/
