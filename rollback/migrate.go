package rollback

import (
	"context"
	"errors"
	"fmt"

	"github.com/faultdrill/faultdrill/snapshot"
)

// migrateDown runs a down-migration command, recording the schema before
// the first attempt and after the last. A schema that cannot be read is
// noted, not fatal: the migration itself decides the action's outcome.
func (ex *executor) migrateDown(ctx context.Context, a ActionSpec, res *ActionResult) error {
	if a.Database == "" && a.Service == "" {
		return fmt.Errorf("%w: migrate-down needs a database file or a service to read the schema of", ErrBadSpec)
	}
	res.SchemaBefore = ex.schema(ctx, a, res, "before")
	err := ex.command(ctx, a, res)
	res.SchemaAfter = ex.schema(ctx, a, res, "after")
	return err
}

// schema reads the schema the action names, from its SQLite file or
// through the Env, within the action's timeout.
func (ex *executor) schema(ctx context.Context, a ActionSpec, res *ActionResult, when string) string {
	ctx, cancel := context.WithTimeout(ctx, a.attemptTimeout())
	defer cancel()
	var s string
	var err error
	if a.Database != "" {
		s, err = snapshot.Schema(ctx, a.Database)
	} else {
		s, err = ex.env.SchemaOf(ctx, a.Service)
	}
	if err != nil {
		if !errors.Is(err, ErrUnsupported) || when == "before" {
			res.Notes = append(res.Notes, fmt.Sprintf("schema %s: %v", when, err))
		}
		return ""
	}
	return s
}
