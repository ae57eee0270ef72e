// Shared theme script.
