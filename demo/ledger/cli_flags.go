package ledger

import (
	"flag"
	"fmt"
	"strings"
)

// defectFlags collects repeated --defect flags as given; they are planted
// after parsing so that their errors keep their sentinels.
type defectFlags []string

func (f *defectFlags) String() string { return strings.Join(*f, ",") }

func (f *defectFlags) Set(v string) error {
	*f = append(*f, v)
	return nil
}

// plant turns the collected flags into the Defects of a tier.
func (f defectFlags) plant(tier Tier) (Defects, error) {
	var d Defects
	for _, spec := range f {
		if err := d.Plant(tier, spec); err != nil {
			return Defects{}, &usageError{err: fmt.Errorf("--defect %s: %w", spec, err)}
		}
	}
	return d, nil
}

// tierFlags are the flags both tiers share.
type tierFlags struct {
	listen  string
	version string
	defects defectFlags
}

func (t *tierFlags) register(fs *flag.FlagSet, tier Tier) {
	fs.StringVar(&t.listen, "listen", "", "listen on `HOST:PORT` (required; port 0 picks a free one)")
	fs.StringVar(&t.version, "version", DefaultVersion, "release `label` echoed in X-Version and /healthz")
	fs.Var(&t.defects, "defect", "plant a defect, `NAME[=VALUE]`, repeatable: "+strings.Join(DefectNames(tier), ", "))
}

// check validates the shared flags once parsed.
func (t *tierFlags) check(positional []string) error {
	if len(positional) > 0 {
		return usagef("unexpected argument %q", positional[0])
	}
	if t.listen == "" {
		return usagef("--listen is required, such as --listen 127.0.0.1:7000")
	}
	return checkLabel(t.version)
}

// checkLabel accepts a release label of 1 to 64 characters from
// [A-Za-z0-9._:~-], safe in a header.
func checkLabel(v string) error {
	if v == "" || len(v) > 64 {
		return usagef("--version must be 1 to 64 characters")
	}
	for _, c := range v {
		if !nameChar(c) {
			return usagef("--version %q: only letters, digits and . _ : ~ - are allowed", v)
		}
	}
	return nil
}
