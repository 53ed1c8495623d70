// Package ledger is the demo system under test: a two-tier ledger that
// fails the way real systems fail.
//
// The store tier keeps entries in SQLite (WAL mode, numbered up and down
// migrations) and makes writes idempotent by request id. The api tier is a
// stateless gateway that forwards to the store over real TCP, so a network
// fault between the tiers matters. A release is a version label plus the
// Defects planted in it: the clean release (no defect) must pass a drill,
// and each defect must be caught by the verifier meant for it.
//
// Main runs the ledger command line; cmd/ledger only wires it to the
// process.
package ledger
