package ledger

// Migration is one numbered schema change with its way back. Up and Down
// each run in one transaction, together with the schema_migrations row
// that records them.
type Migration struct {
	Version int
	Name    string
	Up      string
	Down    string
	// Defect names the defect that plants this migration; empty for a
	// migration of the clean release.
	Defect string
}

// Migrations returns the schema of the clean release, numbered from 1.
//
// Entries are an append-only journal of postings; applied maps a request id
// to the posting it produced and is what makes a write idempotent. Entries
// alone does not forbid two postings with one request id: only the store's
// use of applied does, which is what the double-apply defect skips. kv holds
// the key-value register; flags the feature flags the api reads.
func Migrations() []Migration {
	return []Migration{
		{
			Version: 1,
			Name:    "create_entries",
			Up: `CREATE TABLE entries (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	request_id TEXT    NOT NULL,
	account    TEXT    NOT NULL,
	amount     INTEGER NOT NULL,
	created_at TEXT    NOT NULL
);
CREATE TABLE applied (
	request_id TEXT    PRIMARY KEY,
	seq        INTEGER NOT NULL REFERENCES entries (seq)
);`,
			Down: `DROP TABLE applied;
DROP TABLE entries;`,
		},
		{
			Version: 2,
			Name:    "index_entries_by_account",
			Up:      `CREATE INDEX entries_by_account ON entries (account, amount);`,
			Down:    `DROP INDEX entries_by_account;`,
		},
		{
			Version: 3,
			Name:    "index_entries_by_request_id",
			Up:      `CREATE INDEX entries_by_request_id ON entries (request_id);`,
			Down:    `DROP INDEX entries_by_request_id;`,
		},
		{
			Version: 4,
			Name:    "create_kv",
			Up: `CREATE TABLE kv (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);`,
			Down: `DROP TABLE kv;`,
		},
		{
			Version: 5,
			Name:    "create_flags",
			Up: `CREATE TABLE flags (
	name  TEXT    PRIMARY KEY,
	value INTEGER NOT NULL CHECK (value IN (0, 1))
);`,
			Down: `DROP TABLE flags;`,
		},
	}
}

// SQL of the migration-rewrite defect. The up converts every amount to
// cents in place and drops the applied journal of the postings it found,
// so those entries no longer read back; the down can only drop the marker
// column: the original data is gone.
const (
	rewriteUp = `ALTER TABLE entries ADD COLUMN amount_unit TEXT NOT NULL DEFAULT 'cent';
UPDATE entries SET amount = amount * 100;
DELETE FROM applied;`
	rewriteDown = `ALTER TABLE entries DROP COLUMN amount_unit;`
	// rewriteUndo is the data step of the non-idempotent down: it divides
	// amounts again on every run, whatever the schema says.
	rewriteUndo = `UPDATE entries SET amount = amount / 100;`
)

// rewriteMigration is the migration the migration-rewrite defect adds,
// numbered right after the clean release's latest.
func rewriteMigration() Migration {
	return Migration{
		Version: len(Migrations()) + 1,
		Name:    "amounts_to_cents",
		Up:      rewriteUp,
		Down:    rewriteDown,
		Defect:  "migration-rewrite",
	}
}

// ReleaseMigrations returns the migrations of the release that d
// describes: the clean schema, plus the rewrite when d has
// MigrationRewrite.
func ReleaseMigrations(d Defects) []Migration {
	ms := Migrations()
	if d.MigrationRewrite {
		ms = append(ms, rewriteMigration())
	}
	return ms
}

// knownMigrations returns every migration any release of this program can
// have applied, so that the migrate command can revert them all, as the
// newer release's tool would. Under NonIdempotentDown the rewrite's down
// also divides the amounts.
func knownMigrations(d Defects) []Migration {
	rw := rewriteMigration()
	if d.NonIdempotentDown {
		rw.Down = rewriteUndo + "\n" + rewriteDown
	}
	return append(Migrations(), rw)
}
