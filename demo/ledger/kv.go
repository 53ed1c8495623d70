package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
)

// Limits of the key-value register.
const (
	// MaxKeyLen is the longest key accepted.
	MaxKeyLen = 128
	// MaxValueLen is the longest value accepted, in bytes.
	MaxValueLen = 256
)

// PutValue sets key to value in the register; the last write wins.
func (s *Store) PutValue(ctx context.Context, key, value string) error {
	if err := checkName("key", key, MaxKeyLen); err != nil {
		return err
	}
	if err := checkValue(value); err != nil {
		return err
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO kv (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("ledger: put key %s: %w", key, err)
	}
	return nil
}

// GetValue returns the value of key, or ErrNotFound.
func (s *Store) GetValue(ctx context.Context, key string) (string, error) {
	if err := checkName("key", key, MaxKeyLen); err != nil {
		return "", err
	}
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM kv WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("ledger: key %s: %w", key, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("ledger: key %s: %w", key, err)
	}
	return v, nil
}

// readValue reads a value body: at most MaxValueLen bytes, valid as a
// header value.
func readValue(r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxValueLen+1))
	if err != nil {
		return "", fmt.Errorf("%w: body: %w", ErrInvalidEntry, err)
	}
	v := string(b)
	if err := checkValue(v); err != nil {
		return "", err
	}
	return v, nil
}

// checkValue accepts 1..MaxValueLen printable ASCII characters with no
// space at either end, so a value travels unchanged in X-Value. An empty
// value is refused: it would read like an absent key.
func checkValue(v string) error {
	if v == "" || len(v) > MaxValueLen {
		return fmt.Errorf("%w: value must be 1 to %d bytes", ErrInvalidEntry, MaxValueLen)
	}
	if v[0] == ' ' || v[len(v)-1] == ' ' {
		return fmt.Errorf("%w: value must not start or end with a space", ErrInvalidEntry)
	}
	for i := range len(v) {
		if v[i] < 0x20 || v[i] > 0x7e {
			return fmt.Errorf("%w: value: only printable ASCII is allowed (byte %d is %#x)", ErrInvalidEntry, i, v[i])
		}
	}
	return nil
}
