package verify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

// SQL drivers an invariant may name.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// sqlDriver returns the database/sql driver name of an invariant's driver.
func sqlDriver(driver string) (string, error) {
	switch driver {
	case DriverSQLite:
		return "sqlite", nil
	case DriverPostgres:
		return "pgx", nil
	}
	return "", fmt.Errorf("verify: sql.driver %q: %w: want %q or %q", driver, ErrInvalidSpec, DriverSQLite, DriverPostgres)
}

// measureSQL runs p.Query on a read-only connection and returns the first
// column of the first row as text.
func measureSQL(ctx context.Context, p SQLProbe) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	driver, err := sqlDriver(p.Driver)
	if err != nil {
		return "", err
	}
	dsn := p.DSN
	if p.Driver == DriverSQLite {
		dsn = sqliteReadOnlyDSN(p.DSN)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		return "", fmt.Errorf("verify: invariant: open %s: %w", p.Driver, err)
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: p.Driver == DriverPostgres})
	if err != nil {
		return "", fmt.Errorf("verify: invariant: %s: %w", p.Driver, err)
	}
	defer func() { _ = tx.Rollback() }()

	var v any
	switch err := tx.QueryRowContext(ctx, p.Query).Scan(&v); {
	case errors.Is(err, sql.ErrNoRows):
		return "", fmt.Errorf("verify: invariant: %s: %w: the query returned no row", p.Driver, ErrNoValue)
	case err != nil:
		return "", fmt.Errorf("verify: invariant: %s: %w", p.Driver, err)
	}
	return sqlText(v), nil
}

// sqliteReadOnlyDSN turns a file path into a read-only SQLite URI that
// never creates the file and waits for a writer's lock.
func sqliteReadOnlyDSN(path string) string {
	path = strings.TrimPrefix(path, "file:")
	escaped := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
	q := url.Values{"mode": {"ro"}, "_pragma": {"busy_timeout(5000)"}}
	return "file:" + escaped + "?" + q.Encode()
}

// sqlText writes a scanned SQL value as text; NULL is "null", like JSON.
func sqlText(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case []byte:
		return string(v)
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case time.Time:
		return v.UTC().Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}
