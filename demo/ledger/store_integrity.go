package ledger

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
)

// Totals sums the whole ledger in one query, so the three figures agree.
func (s *Store) Totals(ctx context.Context) (Totals, error) {
	var t Totals
	err := s.db.QueryRowContext(ctx,
		`SELECT COALESCE(SUM(amount), 0), COUNT(*), COUNT(DISTINCT account) FROM entries`).
		Scan(&t.Balance, &t.Entries, &t.Accounts)
	if err != nil {
		return Totals{}, fmt.Errorf("ledger: totals: %w", err)
	}
	return t, nil
}

// WriteIDs writes the request id of every entry that reads back (every id
// in the applied journal), one per line in id order, and returns how many
// it wrote. It reads one snapshot of the database without blocking
// writers. An error means the list on w is incomplete.
func (s *Store) WriteIDs(ctx context.Context, w io.Writer) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT request_id FROM applied ORDER BY request_id`)
	if err != nil {
		return 0, fmt.Errorf("ledger: list ids: %w", err)
	}
	defer rows.Close()
	bw := bufio.NewWriterSize(w, 64<<10)
	n := 0
	var id sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&id); err != nil {
			return n, fmt.Errorf("ledger: list ids: %w", err)
		}
		bw.Write(id) // bufio errors stick: WriteByte reports them
		if err := bw.WriteByte('\n'); err != nil {
			return n, fmt.Errorf("ledger: list ids: %w", err)
		}
		n++
	}
	if err := rows.Err(); err != nil {
		return n, fmt.Errorf("ledger: list ids: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return n, fmt.Errorf("ledger: list ids: %w", err)
	}
	return n, nil
}
