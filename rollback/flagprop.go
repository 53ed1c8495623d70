package rollback

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// FlagPropagation measures how long a flag flip took to reach every
// response. It looks at the ops started at or after flippedAt that got a
// response, in start order, and finds the last run of them, up to the
// end, whose Flags (the X-Flags header) match want; it returns the start
// of that run minus flippedAt. ok is false when there is no such op, or
// the last one still does not match: the flip never reached every
// response.
//
// want matches Flags when it equals the whole header or one of its
// comma-separated items ("fast-path" in "dark-mode,fast-path"); "!name"
// matches when no item is name, for a flag switched off.
func FlagPropagation(ops []load.Op, flippedAt time.Duration, want string) (time.Duration, bool) {
	var later []*load.Op
	for i := range ops {
		if op := &ops[i]; op.Start >= flippedAt && op.Code != 0 {
			later = append(later, op)
		}
	}
	slices.SortStableFunc(later, func(a, b *load.Op) int { return cmp.Compare(a.Start, b.Start) })
	run := -1
	for i, op := range later {
		switch {
		case !FlagsMatch(op.Flags, want):
			run = -1
		case run < 0:
			run = i
		}
	}
	if run < 0 {
		return 0, false
	}
	return later[run].Start - flippedAt, true
}

// FlagsMatch reports whether an X-Flags header value matches want (see
// FlagPropagation).
func FlagsMatch(flags, want string) bool {
	if name, off := strings.CutPrefix(want, "!"); off {
		return !hasItem(flags, name)
	}
	return flags == want || hasItem(flags, want)
}

// hasItem reports whether the comma-separated list holds item.
func hasItem(list, item string) bool {
	for f := range strings.SplitSeq(list, ",") {
		if strings.TrimSpace(f) == item {
			return true
		}
	}
	return false
}
