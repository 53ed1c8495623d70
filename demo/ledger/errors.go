package ledger

import "errors"

// Sentinel errors of the ledger. Callers match them with errors.Is; the
// messages around them carry the details.
var (
	// ErrNotFound: the entry or key does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalidEntry: a request id, key, flag name or write body is
	// malformed.
	ErrInvalidEntry = errors.New("invalid entry")
	// ErrUnknownDefect: a --defect name is not in the catalog.
	ErrUnknownDefect = errors.New("unknown defect")
	// ErrDefectValue: a defect's value is malformed or out of range.
	ErrDefectValue = errors.New("bad defect value")
	// ErrDefectTier: a defect was planted in a tier it does not belong to.
	ErrDefectTier = errors.New("defect of another tier")
	// ErrSchemaTooNew: the database carries migrations this release does
	// not know, so it refuses to run on it.
	ErrSchemaTooNew = errors.New("schema is newer than this release")
	// ErrNoDatabase: the data directory holds no ledger database.
	ErrNoDatabase = errors.New("no ledger database")
	// ErrMigrationTarget: a migration target is outside 0..latest or in
	// the wrong direction.
	ErrMigrationTarget = errors.New("bad migration target")
)
