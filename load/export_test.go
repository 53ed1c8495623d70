package load

import (
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// PacerOf exposes to the tests the pacer Run uses for st in a load of the
// given duration.
func PacerOf(st StreamSpec, duration time.Duration) vegeta.Pacer { return newRampPacer(st, duration) }
