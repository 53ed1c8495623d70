package reports

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/faultdrill/faultdrill/load"
)

// ChartPoints is the most points a series of the HTML timeline chart
// holds; longer drills are downsampled with LTTB, never truncated.
const ChartPoints = 1500

// chart is what the HTML report's script draws: three series over the
// load's clock (seconds from the load start, the origin of the scenario's
// at: and of every t+ in the reports; the set-up before it is left out),
// fault windows to shade and moments to mark. A moment before the load
// start has a negative At and is drawn at the chart's left edge.
type chart struct {
	End    float64       `json:"end"`
	Series []chartSeries `json:"series"`
	Shades []chartSpan   `json:"shades"`
	Marks  []chartMark   `json:"marks"`
}

// chartSeries is one line of the chart; Points are [x seconds, y] pairs.
type chartSeries struct {
	Name   string       `json:"name"`
	Unit   string       `json:"unit"`
	Points [][2]float64 `json:"points"`
	// Windows is how many windows the series was built from, before
	// downsampling.
	Windows int `json:"windows"`
}

// chartSpan is a shaded stretch of the chart, such as an active fault.
type chartSpan struct {
	From  float64 `json:"from"`
	To    float64 `json:"to"`
	Label string  `json:"label"`
}

// chartMark is a moment marked on the chart.
type chartMark struct {
	At    float64 `json:"at"`
	Kind  string  `json:"kind"`
	Label string  `json:"label"`
}

// buildChart turns the report's windows, faults and phases, and the
// journal's approvals, into the chart's data.
func buildChart(r *Report, journal []JournalEntry, limit int) chart {
	var origin time.Duration
	if r.Phases.LoadStart != nil {
		origin = *r.Phases.LoadStart
	}
	at := func(d time.Duration) float64 { return round3(secs(d - origin)) }
	c := chart{Series: windowSeries(r.Windows, origin, limit)}
	for _, w := range r.Windows {
		c.End = math.Max(c.End, at(w.Start+load.WindowSize))
	}
	for _, p := range []*time.Duration{r.Phases.LoadEnd, r.Phases.RollbackEnd, r.Phases.Recovered} {
		if p != nil {
			c.End = math.Max(c.End, at(*p))
		}
	}
	c.Marks = marks(r, journal, at)
	for _, m := range c.Marks {
		c.End = math.Max(c.End, m.At)
	}
	for _, f := range r.Faults {
		span := chartSpan{From: at(f.Start), To: c.End, Label: fmt.Sprintf("%s on %s", f.Kind, f.Link)}
		if f.End != nil {
			span.To = at(*f.End)
		}
		c.End = math.Max(c.End, span.To)
		c.Shades = append(c.Shades, span)
	}
	return c
}

// windowSeries returns throughput (operations completed per second),
// error rate (%) and p99 latency (ms), each downsampled to limit points.
// Windows with no operation have no error rate or latency and are left
// out of those two series. Window starts are shifted by origin, the load
// start on the drill's clock.
func windowSeries(windows []load.Window, origin time.Duration, limit int) []chartSeries {
	tput := make([]Point, 0, len(windows))
	errs := make([]Point, 0, len(windows))
	p99 := make([]Point, 0, len(windows))
	size := load.WindowSize.Seconds()
	for _, w := range windows {
		x := secs(w.Start-origin) + size/2
		tput = append(tput, Point{x, float64(w.Count) / size})
		if w.Count > 0 {
			errs = append(errs, Point{x, 100 * w.ErrorRate})
			p99 = append(p99, Point{x, float64(w.P99) / float64(time.Millisecond)})
		}
	}
	return []chartSeries{
		series("throughput", "ops/s", tput, limit),
		series("error rate", "%", errs, limit),
		series("p99 latency", "ms", p99, limit),
	}
}

func series(name, unit string, points []Point, limit int) chartSeries {
	s := chartSeries{Name: name, Unit: unit, Windows: len(points)}
	kept := LTTB(points, limit)
	s.Points = make([][2]float64, len(kept))
	for i, p := range kept {
		s.Points[i] = [2]float64{round3(p.X), round3(p.Y)}
	}
	return s
}

// marks lists the moments worth a line on the chart: deploys, the
// trigger, approvals, the rollback and the recovery, at the offsets at
// gives them.
func marks(r *Report, journal []JournalEntry, at func(time.Duration) float64) []chartMark {
	var ms []chartMark
	add := func(t *time.Duration, kind, label string) {
		if t != nil {
			ms = append(ms, chartMark{At: at(*t), Kind: kind, Label: label})
		}
	}
	for _, d := range r.Deploys {
		if d.By != "rollback" {
			add(&d.Start, "deploy", fmt.Sprintf("deploy %s %s → %s", d.Service, orDash(d.From), d.To))
		}
	}
	label := "trigger fired"
	if r.Trigger != nil {
		label = fmt.Sprintf("trigger %q fired", r.Trigger.Trigger)
	}
	add(r.Phases.TriggerFired, "trigger", label)
	for _, e := range journal {
		if strings.HasPrefix(e.Kind, "approval.") {
			add(&e.T, "approval", e.Kind+": "+e.Msg)
		}
	}
	add(r.Phases.RollbackStart, "rollback", "rollback start")
	add(r.Phases.RollbackEnd, "rollback", "rollback end")
	add(r.Phases.Recovered, "recovered", "recovered")
	return ms
}

func secs(d time.Duration) float64 { return d.Seconds() }

// round3 keeps three decimals: milliseconds of a drill's clock, and more
// precision than a chart shows.
func round3(v float64) float64 { return math.Round(v*1000) / 1000 }
