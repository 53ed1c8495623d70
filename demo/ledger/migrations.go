package ledger

// Migration is one numbered schema change with its way back. Up and Down
// each run in one transaction, together with the schema_migrations row
// that records them.
type Migration struct {
	Version int
	Name    string
	Up      string
	Down    string
}

// Migrations returns the schema of this release, numbered from 1.
//
// Entries are an append-only journal of postings; applied maps a request id
// to the posting it produced and is what makes a write idempotent. Entries
// alone does not forbid two postings with one request id: only the store's
// use of applied does, which is what the double-apply defect skips.
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
	}
}
