package snapshot

import (
	"github.com/faultdrill/faultdrill/internal/perm"

	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver
)

// sqliteHeader opens every SQLite 3 database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// IsSQLite reports whether the file at path starts with the SQLite 3
// header.
func IsSQLite(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil {
		return false, nil // shorter than the header: not a database
	}
	return bytes.Equal(head, sqliteHeader), nil
}

// openCopy copies a SQLite database and its -wal and -journal files into
// a private temporary directory and opens the copy with one connection, so
// that reading never changes the original: SQLite may create, rewrite or
// recover -wal and -shm files even for a read-only connection. Committed
// transactions still in the WAL are part of what is read. The returned
// close function closes the database and removes the copy.
func openCopy(ctx context.Context, path string) (*sql.DB, func(), error) {
	tmp, err := os.MkdirTemp("", "faultdrill-sqlite-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { os.RemoveAll(tmp) }
	dst := filepath.Join(tmp, "db")
	for _, suffix := range []string{"", "-wal", "-journal"} {
		if _, err := os.Stat(path + suffix); suffix != "" && errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if _, _, err := copyFile(ctx, path+suffix, dst+suffix, perm.File); err != nil {
			cleanup()
			return nil, nil, err
		}
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(dst)}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	db.SetMaxOpenConns(1)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		cleanup()
		return nil, nil, err
	}
	return db, func() { db.Close(); cleanup() }, nil
}

// schemaObject is one row of sqlite_master.
type schemaObject struct {
	kind, name, table, sql string
	virtual                bool
}

// readSchema returns the database's user_version and its schema objects
// (tables, indexes, views, triggers) sorted by kind and name; SQLite's
// statistics tables are left out, as ANALYZE may add them at any time.
func readSchema(ctx context.Context, q querier) (int64, []schemaObject, error) {
	var version int64
	if err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return 0, nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite\_stat%' ESCAPE '\' ORDER BY type, name`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var objs []schemaObject
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.kind, &o.name, &o.table, &o.sql); err != nil {
			return 0, nil, err
		}
		o.virtual = strings.HasPrefix(strings.ToUpper(o.sql), "CREATE VIRTUAL TABLE")
		objs = append(objs, o)
	}
	return version, objs, rows.Err()
}

// Schema returns the schema of the SQLite database at path as text: its
// user_version, then one line per table, index, view and trigger with the
// SQL that created it, sorted by kind and name. Two databases with the
// same schema give the same text, whatever their page layout.
func Schema(ctx context.Context, path string) (string, error) {
	db, done, err := openCopy(ctx, path)
	if err != nil {
		return "", fmt.Errorf("snapshot: schema of %s: %w", path, err)
	}
	defer done()
	version, objs, err := readSchema(ctx, db)
	if err != nil {
		return "", fmt.Errorf("snapshot: schema of %s: %w", path, err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "user_version %d\n", version)
	for _, o := range objs {
		if o.sql == "" {
			continue // an automatic index, implied by its table
		}
		fmt.Fprintf(&b, "%s %s: %s\n", o.kind, o.name, strings.Join(strings.Fields(o.sql), " "))
	}
	return b.String(), nil
}

// querier is what reading a database needs of *sql.DB or *sql.Tx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// digestSQLite writes the database's schema and every table's rows, in
// primary-key order, into w, inside one read transaction.
func digestSQLite(ctx context.Context, path string, w io.Writer) error {
	db, done, err := openCopy(ctx, path)
	if err != nil {
		return err
	}
	defer done()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	version, objs, err := readSchema(ctx, tx)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "user_version\x00%d\n", version)
	for _, o := range objs {
		writeField(w, o.kind, o.name, o.table, o.sql)
	}
	for _, o := range objs {
		if o.kind != "table" || o.virtual {
			continue // a virtual table's rows live in its shadow tables
		}
		if err := digestTable(ctx, tx, o.name, w); err != nil {
			return fmt.Errorf("table %s: %w", o.name, err)
		}
	}
	return nil
}

// digestTable writes a table's rows into w, each value as SQLite's quote()
// renders it (so types are kept: 1, 1.0, '1' and X'31' differ), ordered by
// the primary key, or by every column when the table has none (rowids are
// not part of the state: VACUUM may renumber them).
func digestTable(ctx context.Context, q querier, table string, w io.Writer) error {
	cols, pk, err := tableColumns(ctx, q, table)
	if err != nil {
		return err
	}
	if len(cols) == 0 {
		return nil
	}
	exprs := make([]string, len(cols))
	for i, c := range cols {
		exprs[i] = "quote(" + ident(c) + ")"
	}
	order := make([]string, 0, len(cols))
	if len(pk) > 0 {
		for _, c := range pk {
			order = append(order, ident(c))
		}
	} else {
		for i := range cols {
			order = append(order, fmt.Sprint(i+1))
		}
	}
	rows, err := q.QueryContext(ctx, "SELECT "+strings.Join(exprs, ", ")+" FROM "+ident(table)+" ORDER BY "+strings.Join(order, ", "))
	if err != nil {
		return err
	}
	defer rows.Close()
	writeField(w, "rows", table, strings.Join(cols, "\x00"))
	vals := make([]string, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		writeField(w, vals...)
	}
	return rows.Err()
}

// tableColumns returns a table's columns in declaration order and its
// primary-key columns in key order.
func tableColumns(ctx context.Context, q querier, table string) (cols, pk []string, err error) {
	rows, err := q.QueryContext(ctx, "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", table)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	byKey := map[int]string{}
	for rows.Next() {
		var name string
		var key int
		if err := rows.Scan(&name, &key); err != nil {
			return nil, nil, err
		}
		cols = append(cols, name)
		if key > 0 {
			byKey[key] = name
		}
	}
	for k := 1; k <= len(byKey); k++ {
		pk = append(pk, byKey[k])
	}
	return cols, pk, rows.Err()
}

// ident quotes an SQL identifier.
func ident(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// writeField writes values length-prefixed, so no two different lists
// write the same bytes.
func writeField(w io.Writer, values ...string) {
	for _, v := range values {
		fmt.Fprintf(w, "%d:%s", len(v), v)
	}
	io.WriteString(w, "\n")
}
