package ledger

import (
	"time"
)

// Tier names one part of the ledger; every defect lives in exactly one.
type Tier string

// The tiers: two servers and the offline migrate command.
const (
	TierAPI   Tier = "api"
	TierStore Tier = "store"
	// TierMigrate is the `ledger migrate` command, which runs the store's
	// migrations offline. It also accepts the store's migration defects.
	TierMigrate Tier = "migrate"
)

// NoDefect is the --defect value that plants nothing, so a scenario can
// template a defect flag and fill it with "none" for the clean release.
const NoDefect = "none"

// DefaultBadFlag is the feature flag the bad-flag defect watches when no
// name is given.
const DefaultBadFlag = "fast-path"

// Defects are the faults planted in one release of a tier, chosen with
// --defect flags. The zero value is the clean release.
type Defects struct {
	// ErrorSpike is the fraction of data requests the api answers 500
	// without forwarding them (api tier).
	ErrorSpike float64
	// Latency delays every data request at the api before it is handled
	// (api tier).
	Latency time.Duration
	// LostWrites is the fraction of writes the api acknowledges with 201
	// but never forwards: acknowledged, not durable (api tier).
	LostWrites float64
	// DoubleApply makes the store insert a retried write a second time
	// instead of answering the entry it already holds (store tier).
	DoubleApply bool
	// BadFlag names a feature flag with a bad code path: while it is on,
	// the api answers half of the writes 500 without applying them. Empty
	// is off (api tier).
	BadFlag string
	// StaleCache is how long the api caches GET /kv/{key} answers, never
	// invalidated by a PUT; zero is no cache (api tier).
	StaleCache time.Duration
	// MigrationRewrite adds a migration that rewrites data in place:
	// every amount becomes cents and the applied journal of existing
	// postings is dropped. Its down migration only reverts the schema
	// (store tier; the migrate command accepts it too).
	MigrationRewrite bool
	// NonIdempotentDown makes the down migration of the rewrite divide
	// every amount by 100 each time it runs, even when the schema is
	// already at the target (migrate tier).
	NonIdempotentDown bool
}

// badFlagShare is the fraction of writes the bad-flag defect fails while
// its flag is on.
const badFlagShare = 0.5

// defectKind is one entry of the defect catalog. To add a defect, add a
// field to Defects, an entry here, the behaviour in its tier, and a row to
// the table in doc.go.
type defectKind struct {
	name string
	tier Tier
	// migrate marks a store defect the migrate command also accepts.
	migrate bool
	// value is the default used when the flag has no =VALUE; "" marks a
	// switch that takes no value.
	value string
	set   func(d *Defects, value string) error
	// show returns the flag form's value, and whether the defect is on.
	show func(d Defects) (string, bool)
}

// catalog lists every defect by its stable name, as used in flags and
// reports.
func catalog() []defectKind {
	return []defectKind{
		{
			name: "error-spike", tier: TierAPI, value: "0.5",
			set:  func(d *Defects, v string) (err error) { d.ErrorSpike, err = parseFraction(v); return err },
			show: func(d Defects) (string, bool) { return formatFraction(d.ErrorSpike), d.ErrorSpike > 0 },
		},
		{
			name: "latency", tier: TierAPI, value: "400ms",
			set:  func(d *Defects, v string) (err error) { d.Latency, err = parseDelay(v, maxDelay); return err },
			show: func(d Defects) (string, bool) { return d.Latency.String(), d.Latency > 0 },
		},
		{
			name: "lost-writes", tier: TierAPI, value: "0.2",
			set:  func(d *Defects, v string) (err error) { d.LostWrites, err = parseFraction(v); return err },
			show: func(d Defects) (string, bool) { return formatFraction(d.LostWrites), d.LostWrites > 0 },
		},
		{
			name: "bad-flag", tier: TierAPI, value: DefaultBadFlag,
			set:  func(d *Defects, v string) (err error) { d.BadFlag, err = parseFlagName(v); return err },
			show: func(d Defects) (string, bool) { return d.BadFlag, d.BadFlag != "" },
		},
		{
			name: "stale-cache", tier: TierAPI, value: "2s",
			set:  func(d *Defects, v string) (err error) { d.StaleCache, err = parseDelay(v, maxCacheTTL); return err },
			show: func(d Defects) (string, bool) { return d.StaleCache.String(), d.StaleCache > 0 },
		},
		{
			name: "double-apply", tier: TierStore,
			set:  func(d *Defects, _ string) error { d.DoubleApply = true; return nil },
			show: func(d Defects) (string, bool) { return "", d.DoubleApply },
		},
		{
			name: "migration-rewrite", tier: TierStore, migrate: true,
			set:  func(d *Defects, _ string) error { d.MigrationRewrite = true; return nil },
			show: func(d Defects) (string, bool) { return "", d.MigrationRewrite },
		},
		{
			name: "non-idempotent-down", tier: TierMigrate,
			set:  func(d *Defects, _ string) error { d.NonIdempotentDown = true; return nil },
			show: func(d Defects) (string, bool) { return "", d.NonIdempotentDown },
		},
	}
}

// accepts reports whether a process of tier may carry this defect.
func (k defectKind) accepts(tier Tier) bool {
	return k.tier == tier || (k.migrate && tier == TierMigrate)
}

// DefectNames returns the name of every defect a tier accepts, in catalog
// order; an empty tier returns them all.
func DefectNames(tier Tier) []string {
	var names []string
	for _, k := range catalog() {
		if tier == "" || k.accepts(tier) {
			names = append(names, k.name)
		}
	}
	return names
}
