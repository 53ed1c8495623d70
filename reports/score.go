package reports

import "math"

// Names of the score's parts, as they appear in Objectives.Weights and in
// every report.
const (
	PartRTO         = "rto"
	PartSLO         = "slo"
	PartHealth      = "health"
	PartDetection   = "detection"
	PartErrorBudget = "errorBudget"
)

// DefaultErrorBudget is the share of operations that may fail or end
// indeterminate during a drill when the scenario sets no error budget.
const DefaultErrorBudget = 0.05

// DefaultWeights returns the weight of each part of the score when the
// scenario does not override it; the map is the caller's to change.
func DefaultWeights() map[string]float64 {
	return map[string]float64{PartRTO: 30, PartSLO: 20, PartHealth: 20, PartDetection: 15, PartErrorBudget: 15}
}

// Formula is the published scoring formula, repeated in every report.
const Formula = "score = round(100 × Σ weight·part / Σ weight) over the parts that have data, 0 when that Σ weight is 0; " +
	"weights default to rto 30, slo 20, health 20, detection 15, errorBudget 15 and a scenario may override them; each part is in [0,1]: " +
	"rto = 1 when recovered within the RTO objective (or when none is set), falling linearly to 0 at twice the objective, 0 when never recovered; " +
	"slo = the slo verifier's compliant windows / windows after the rollback (1 or 0 from its verdict when it gives no counts); " +
	"health = healthy services / services; " +
	"detection = 1 when a trigger fired within the detection objective (or at all when none is set), falling linearly to 0 at twice the objective, " +
	"0 when the SLO was breached after the fault onset and no trigger fired; " +
	"errorBudget = 1 when (failed + indeterminate) / operations is within the error budget (default 5%), falling linearly to 0 at twice the budget. " +
	"A part with no data is left out of both sums: rto when the load did not run to its end, slo when no slo verifier decided or it is advisory, " +
	"health when no health verifier ran or it is advisory, detection when there was no fault onset or the SLO held and no trigger fired, errorBudget when no operation ran; " +
	"with no part left the drill is not scored and fails. " +
	"The drill passes only when no gate fails: steps (every timeline step and rollback action not marked optional was done), " +
	"integrity (no integrity verifier found lost acknowledged writes beyond the RPO, duplicates, a broken invariant, a non-linearizable history, stale reads or a non-idempotent rollback — whatever the score), " +
	"harness (the load reached its rate, the load generator stayed within its lag tolerance, every step took effect within its tolerance), " +
	"verification (every verifier reached a verdict on everything it was asked, and at least one did), " +
	"baseline (no trigger fired before the fault onset, unless the scenario expects it), rto (recovered within the RTO objective), " +
	"slo (the slo verifier passed), health (every service healthy afterwards), checks (every other verifier passed), score (score ≥ passScore). " +
	"Advisory verifiers and optional steps are shown as warnings and decide nothing. " +
	"The drill's class is the first of error, interrupted, integrity, void, rto, slo, failed, unverified among the failed gates."

// Score is the drill's score with the parts it is made of.
type Score struct {
	Value int `json:"value"`
	// NoData means no part had data: nothing was measured to score, and
	// Value (0) means nothing.
	NoData     bool        `json:"noData,omitempty"`
	PassScore  int         `json:"passScore"`
	Components []Component `json:"components"`
	Formula    string      `json:"formula"`
}

// Component is one weighted part of the score.
type Component struct {
	Name   string  `json:"name"`
	Weight float64 `json:"weight"`
	Value  float64 `json:"value"`
	// NoData means there was nothing to score this part on: it is left out
	// of the weighted sum and Detail says why.
	NoData bool   `json:"noData,omitempty"`
	Detail string `json:"detail"`
}

// Judge scores the report and decides its outcome from its steps,
// verifiers, measures, harness figures and objectives, as Formula states,
// and sets its Status from that outcome: the one verdict every rendering
// and the exit code come from. An errored or interrupted report keeps its
// status, and what was measured is still scored.
func Judge(r *Report) {
	rto, slo, health := rtoComponent(r), sloComponent(r.Verifiers), healthComponent(r.Verifiers)
	parts := []Component{rto, slo, health, detectionComponent(r), errorBudgetComponent(r.Load, r.Objectives)}
	weights := DefaultWeights()
	for name, w := range r.Objectives.Weights {
		if _, known := weights[name]; known {
			weights[name] = w
		}
	}
	var sum, total float64
	for i := range parts {
		w := weights[parts[i].Name]
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			w = 0
		}
		parts[i].Weight = w
		if !parts[i].NoData {
			sum += w * parts[i].Value
			total += w
		}
	}
	value := 0
	if total > 0 {
		value = int(math.Round(100 * sum / total))
	}
	r.Score = Score{Value: value, NoData: total == 0, PassScore: r.Objectives.PassScore, Components: parts, Formula: Formula}
	r.Outcome = decide(r, rto, slo, health)
	switch {
	case r.Outcome.Class == ClassError:
		r.Status = Errored
	case r.Outcome.Class == ClassInterrupted:
		r.Status = Interrupted
	case r.Outcome.Class == ClassKilled:
		r.Status = Killed
	case r.Outcome.Passed:
		r.Status = Passed
	default:
		r.Status = Failed
	}
}
