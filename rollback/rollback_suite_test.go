package rollback_test

import (
	"database/sql"
	"fmt"
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	_ "modernc.org/sqlite"
)

// The test binary doubles as a migration tool for the migrate-down specs:
// run with sqlHelperDB set, it executes sqlHelperSQL on that SQLite file
// and exits, so the specs run a real command that changes a real schema.
// nestedMarker is set for every process the suite starts, so that the test
// binary started without the helper's variables exits at once instead of
// running the specs again (and again).
const (
	sqlHelperDB  = "ROLLBACK_TEST_SQL_DB"
	sqlHelperSQL = "ROLLBACK_TEST_SQL"
	nestedMarker = "ROLLBACK_TEST_NESTED"
)

func TestRollback(t *testing.T) {
	if db := os.Getenv(sqlHelperDB); db != "" {
		os.Exit(runSQLHelper(db, os.Getenv(sqlHelperSQL)))
	}
	if os.Getenv(nestedMarker) != "" {
		t.Skip("started by the suite itself without a helper task")
	}
	t.Setenv(nestedMarker, "1")
	RegisterFailHandler(Fail)
	RunSpecs(t, "rollback")
}

// runSQLHelper executes the statements on the database and returns the
// process exit code.
func runSQLHelper(path, stmts string) int {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	defer db.Close()
	if _, err := db.Exec(stmts); err != nil {
		fmt.Fprintln(os.Stderr, "migration failed:", err)
		return 3
	}
	fmt.Println("migrated")
	return 0
}

// sqlCommand returns the argv and env of a command that runs stmts on the
// SQLite file at path.
func sqlCommand(path, stmts string) ([]string, map[string]string) {
	return []string{os.Args[0], "-test.run=^TestRollback$"}, map[string]string{sqlHelperDB: path, sqlHelperSQL: stmts}
}
