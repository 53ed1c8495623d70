package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Item is an action item of a game day's review: an anomaly someone
// follows up.
type Item struct {
	// Review names the game day: its folder's name.
	Review string
	// ID is the item's id in the review, such as D2-1.
	ID string
	// DrillID is the drill the anomaly was found in.
	DrillID string
	What    string
	Owner   string
	Opened  time.Time
	// Closed is when the item was closed; zero while open.
	Closed time.Time
	Note   string
}

// ErrNoItem means the history holds no such action item.
var ErrNoItem = errors.New("history: no such action item")

// RecordItems adds the action items of a review; items already there are
// left as they are.
func (s *Store) RecordItems(ctx context.Context, items []Item) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("history: %s: record action items: %w", s.where, err)
	}
	defer tx.Rollback()
	for _, it := range items {
		if _, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO action_items (review, id, drill_id, what, owner, opened)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (review, id) DO NOTHING`),
			it.Review, it.ID, it.DrillID, it.What, it.Owner, it.Opened.UnixNano()); err != nil {
			return fmt.Errorf("history: %s: record action item %s: %w", s.where, it.ID, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("history: %s: record action items: %w", s.where, err)
	}
	return nil
}

// CloseItem closes the action item id of review with a note.
func (s *Store) CloseItem(ctx context.Context, review, id, note string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE action_items SET closed = ?, note = ? WHERE review = ? AND id = ?`),
		at.UnixNano(), note, review, id)
	if err != nil {
		return fmt.Errorf("history: %s: close %s %s: %w", s.where, review, id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("%w: %s in %s", ErrNoItem, id, review)
	}
	return nil
}

// Items returns the action items, open only unless all, by owner then
// review and id.
func (s *Store) Items(ctx context.Context, all bool) ([]Item, error) {
	q := `SELECT review, id, drill_id, what, owner, opened, closed, note FROM action_items`
	if !all {
		q += ` WHERE closed IS NULL`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY owner, review, id`)
	if err != nil {
		return nil, fmt.Errorf("history: %s: action items: %w", s.where, err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var (
			it     Item
			opened int64
			closed sql.NullInt64
			note   sql.NullString
		)
		if err := rows.Scan(&it.Review, &it.ID, &it.DrillID, &it.What, &it.Owner, &opened, &closed, &note); err != nil {
			return nil, fmt.Errorf("history: %s: action items: %w", s.where, err)
		}
		it.Opened, it.Note = time.Unix(0, opened).UTC(), note.String
		if closed.Valid {
			it.Closed = time.Unix(0, closed.Int64).UTC()
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
