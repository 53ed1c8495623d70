// Package ledger is the demo system under test: a two-tier ledger that
// fails the way real systems fail.
//
// The store tier keeps entries, a key-value register and feature flags in
// SQLite (WAL mode, numbered up and down migrations) and makes entry
// writes idempotent by request id. The api tier is a gateway that forwards
// to the store over real TCP, so a network fault between the tiers
// matters; it keeps a view of the feature flags, reloaded from the store,
// and echoes it in X-Flags on every answer. A release is a version label
// plus the Defects planted in it: the clean release (no defect, or
// --defect none) must pass a drill, and each defect must be caught by the
// verifier meant for it.
//
// # Routes
//
// Both tiers serve the same data routes (see Store.Handler): entries
// (PUT/GET /entries/{id}, the id list GET /entries, GET /totals,
// GET /accounts/{account}), the register (PUT/GET /kv/{key}, value in the
// body and in X-Value) and the flags (PUT /flags/{name} with true or
// false, GET /flags).
//
// # Schema
//
// The clean release has migrations 1 to 5 (entries, two indexes, kv,
// flags). The migration-rewrite defect adds migration 6,
// amounts_to_cents; a clean store refuses a database at 6
// (ErrSchemaTooNew) until `ledger migrate down --to 5` reverts it, which
// brings the schema back but not the data. `ledger migrate digest` prints
// the schema version and a SHA-256 of every row (see Digest).
//
// # Defects
//
// Each defect has a stable name, used in --defect flags and reports.
//
//	| defect                | tier    | effect                                                        | caught by                          |
//	|-----------------------|---------|---------------------------------------------------------------|------------------------------------|
//	| error-spike[=0.5]     | api     | that fraction of data requests answered 500, not forwarded    | error-rate trigger; SLO            |
//	| latency[=400ms]       | api     | every data request delayed that long                          | p99 trigger; SLO latency           |
//	| lost-writes[=0.2]     | api     | that fraction of entry writes answered 201, never stored      | durability (RPO): ids read 404     |
//	| bad-flag[=fast-path]  | api     | while that flag is on, half the writes (entries, kv) answered | error-rate trigger; rolled back by |
//	|                       |         | 500 without being applied                                     | flipping the flag off (X-Flags)    |
//	| stale-cache[=2s]      | api     | GET /kv/{key} answers cached that long, not invalidated by a  | stale reads; linearizability       |
//	|                       |         | PUT: reads return values older than the last acknowledged one |                                    |
//	| double-apply          | store   | a retried write (same request id) is inserted again; its      | no duplicates ("applied" ≥ 2);     |
//	|                       |         | entry reads "applied": 2 and the balance counts it twice      | invariants (/totals)               |
//	| migration-rewrite     | store   | migration 6 at start: every amount ×100, the applied journal  | durability (old ids read 404);     |
//	|                       |         | of existing entries dropped; its down reverts the schema only | invariants (balance); rollback     |
//	|                       |         |                                                               | must restore the snapshot          |
//	| non-idempotent-down   | migrate | the rewrite's down divides every amount by 100 on every run,  | idempotent rollback: the digest    |
//	|                       |         | even when the schema is already at the target                 | after two runs differs from one    |
//
// The migrate command accepts migration-rewrite too (up then applies
// migration 6 offline). A second run under non-idempotent-down changes the
// data whenever some amount was at least 100 in size before the first, as
// every non-zero amount is after the rewrite.
//
// Main runs the ledger command line; cmd/ledger only wires it to the
// process.
package ledger
