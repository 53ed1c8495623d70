package ledger

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// Limits on what a write may carry.
const (
	// MaxIDLen is the longest request id accepted.
	MaxIDLen = 128
	// MaxAccountLen is the longest account name accepted.
	MaxAccountLen = 64
	// MaxAmount bounds an entry's amount in both directions, so that a
	// balance cannot overflow.
	MaxAmount = 1_000_000_000_000
	// maxBodyBytes bounds a write body.
	maxBodyBytes = 4 << 10
)

// Entry is one posting to an account, written at most once per request id
// by a clean release.
type Entry struct {
	ID        string    `json:"id"`
	Account   string    `json:"account"`
	Amount    int64     `json:"amount"`
	CreatedAt time.Time `json:"created_at"`
	// Applied is how many postings the request id produced: 1 normally,
	// 2 or more when a write was applied again (double-apply).
	Applied int `json:"applied"`
}

// Totals sum the whole ledger, for invariants: the balance over every
// posting, the number of postings and of distinct accounts.
type Totals struct {
	Balance  int64 `json:"balance"`
	Entries  int   `json:"entries"`
	Accounts int   `json:"accounts"`
}

// Account is the balance of one account: the sum and the count of its
// entries. An account with no entries has a zero balance.
type Account struct {
	Account string `json:"account"`
	Balance int64  `json:"balance"`
	Entries int    `json:"entries"`
}

// Posting is the body of a write: the account and the amount.
type Posting struct {
	Account string `json:"account"`
	Amount  int64  `json:"amount"`
}

// decodePosting reads one write body and validates it: both fields
// present, no unknown field, nothing after the object.
func decodePosting(r io.Reader) (Posting, error) {
	var raw struct {
		Account *string `json:"account"`
		Amount  *int64  `json:"amount"`
	}
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return Posting{}, fmt.Errorf("%w: body: %w", ErrInvalidEntry, err)
	}
	if err := dec.Decode(&struct{}{}); !errors.Is(err, io.EOF) {
		return Posting{}, fmt.Errorf("%w: body: want one JSON object", ErrInvalidEntry)
	}
	if raw.Account == nil || raw.Amount == nil {
		return Posting{}, fmt.Errorf("%w: body: want both \"account\" and \"amount\"", ErrInvalidEntry)
	}
	p := Posting{Account: *raw.Account, Amount: *raw.Amount}
	if err := p.validate(); err != nil {
		return Posting{}, err
	}
	return p, nil
}

// validate checks the account name and the amount's range.
func (p Posting) validate() error {
	if err := checkName("account", p.Account, MaxAccountLen); err != nil {
		return err
	}
	if p.Amount > MaxAmount || p.Amount < -MaxAmount {
		return fmt.Errorf("%w: amount %d is beyond ±%d", ErrInvalidEntry, p.Amount, int64(MaxAmount))
	}
	return nil
}

// checkID validates a request id.
func checkID(id string) error { return checkName("id", id, MaxIDLen) }

// checkName accepts 1..max characters from [A-Za-z0-9._:~-].
func checkName(what, s string, max int) error {
	if s == "" || len(s) > max {
		return fmt.Errorf("%w: %s must be 1 to %d characters", ErrInvalidEntry, what, max)
	}
	for _, c := range s {
		if !nameChar(c) {
			return fmt.Errorf("%w: %s %q: only letters, digits and . _ : ~ - are allowed", ErrInvalidEntry, what, s)
		}
	}
	return nil
}

func nameChar(c rune) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		return true
	case c == '.', c == '_', c == ':', c == '~', c == '-':
		return true
	}
	return false
}
