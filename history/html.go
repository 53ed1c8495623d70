package history

import (
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"
	"time"
)

// chartFigure is one figure the trends page charts over time.
type chartFigure struct {
	id, title, unit string
	// value is the figure of one bucket; false when the bucket has none.
	value func(Figures) (float64, bool)
}

func durFigure(get func(Figures) Stat, p90 bool) func(Figures) (float64, bool) {
	return func(f Figures) (float64, bool) {
		s := get(f)
		if s.N == 0 {
			return 0, false
		}
		if p90 {
			return s.P90.Seconds(), true
		}
		return s.Median.Seconds(), true
	}
}

var chartFigures = []chartFigure{
	{"rehearsals", "Rehearsals", "drills", func(f Figures) (float64, bool) { return float64(f.Runs), true }},
	{"pass-rate", "Pass rate", "%", func(f Figures) (float64, bool) { return 100 * f.PassRate, f.Runs > 0 }},
	{"rollback", "Rollback duration (median)", "s", durFigure(func(f Figures) Stat { return f.Rollback }, false)},
	{"detection", "Detection time (median)", "s", durFigure(func(f Figures) Stat { return f.Detection }, false)},
	{"rto-median", "RTO (median)", "s", durFigure(func(f Figures) Stat { return f.RTO }, false)},
	{"rto-p90", "RTO (p90)", "s", durFigure(func(f Figures) Stat { return f.RTO }, true)},
	{"inconsistency", "Data inconsistency rate", "%", func(f Figures) (float64, bool) {
		r, ok := f.InconsistencyRate()
		return 100 * r, ok
	}},
	{"lost-writes", "Lost acknowledged writes", "writes", func(f Figures) (float64, bool) { return float64(f.LostWrites), f.Runs > 0 }},
	{"mttr", "MTTR (median, fault onset → recovered)", "s", durFigure(func(f Figures) Stat { return f.MTTR }, false)},
}

// Chart geometry, in SVG user units.
const (
	chartW, chartH         = 720, 220
	padL, padR, padT, padB = 56, 16, 12, 28
)

var palette = []string{"#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777"}

type htmlLine struct {
	Name, Color, Points string
	Dots                []htmlDot
}

type htmlDot struct {
	X, Y  float64
	Title string
}

type htmlChart struct {
	ID, Title, Unit  string
	Max              string
	XFirst, XLast    string
	W, H, X0, X1, Y0 int
	YTop             int
	Lines            []htmlLine
}

type htmlRow struct {
	Group, Runs, PerWeek, PassRate, Rollback, Detection, RTO, RTOP90, Inconsistency, LostWrites, MTTR string
}

type htmlTrends struct {
	Since, Until, Generated string
	Runs                    int
	Charts                  []htmlChart
	ByScenario, ByService   []htmlRow
}

// WriteHTML writes the trends as one self-contained HTML page, no script
// and nothing fetched: tables of the figures per scenario and per
// service, and one SVG chart per figure over time, a line per scenario.
func WriteHTML(w io.Writer, t Trends) error {
	v := htmlTrends{Since: t.Since.Format(time.DateOnly), Until: t.Until.Format(time.DateOnly),
		Generated: time.Now().UTC().Format(time.RFC3339), Runs: t.Runs}
	for _, f := range t.ByScenario {
		v.ByScenario = append(v.ByScenario, rowOf(f))
	}
	for _, f := range t.ByService {
		v.ByService = append(v.ByService, rowOf(f))
	}
	for _, cf := range chartFigures {
		v.Charts = append(v.Charts, chartOf(cf, t))
	}
	return trendsPage.Execute(w, v)
}

func chartOf(cf chartFigure, t Trends) htmlChart {
	c := htmlChart{ID: cf.id, Title: cf.title, Unit: cf.unit, W: chartW, H: chartH,
		X0: padL, X1: chartW - padR, Y0: chartH - padB, YTop: padT}
	if len(t.Buckets) > 0 {
		c.XFirst = t.Buckets[0].Format(time.DateOnly)
		c.XLast = t.Buckets[len(t.Buckets)-1].Format(time.DateOnly)
	}
	top := 0.0
	for _, series := range t.Series {
		for _, f := range series {
			if y, ok := cf.value(f); ok && y > top {
				top = y
			}
		}
	}
	if top == 0 {
		top = 1
	}
	c.Max = trimFloat(top)
	n := len(t.Buckets)
	x := func(i int) float64 {
		if n <= 1 {
			return float64(padL+chartW-padR) / 2
		}
		return padL + float64(i)*float64(chartW-padL-padR)/float64(n-1)
	}
	y := func(v float64) float64 { return float64(chartH-padB) - v/top*float64(chartH-padB-padT) }
	for i, name := range sortedSeries(t.Series) {
		l := htmlLine{Name: name, Color: palette[i%len(palette)]}
		var pts []string
		for b, f := range t.Series[name] {
			val, ok := cf.value(f)
			if !ok {
				continue
			}
			px, py := x(b), y(val)
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px, py))
			l.Dots = append(l.Dots, htmlDot{X: px, Y: py, Title: fmt.Sprintf("%s %s: %s %s", name, t.Buckets[b].Format(time.DateOnly), trimFloat(val), cf.unit)})
		}
		l.Points = strings.Join(pts, " ")
		c.Lines = append(c.Lines, l)
	}
	return c
}

func sortedSeries(m map[string][]Figures) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out) // stable colours
	return out
}

func rowOf(f Figures) htmlRow {
	r := htmlRow{Group: f.Group, Runs: fmt.Sprint(f.Runs), PerWeek: fmt.Sprintf("%.1f", f.PerWeek),
		PassRate: fmt.Sprintf("%.0f%%", 100*f.PassRate), Rollback: StatText(f.Rollback, false), Detection: StatText(f.Detection, false),
		RTO: StatText(f.RTO, false), RTOP90: StatText(f.RTO, true), LostWrites: fmt.Sprint(f.LostWrites), MTTR: StatText(f.MTTR, false), Inconsistency: "-"}
	if rate, ok := f.InconsistencyRate(); ok {
		r.Inconsistency = fmt.Sprintf("%.0f%% (%d of %d)", 100*rate, f.Inconsistent, f.Checked)
	}
	return r
}

// StatText is a stat's median (or p90) for a table; "-" when nothing was
// measured.
func StatText(s Stat, p90 bool) string {
	if s.N == 0 {
		return "-"
	}
	if p90 {
		return round(s.P90).String()
	}
	return round(s.Median).String()
}

func trimFloat(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

var trendsPage = template.Must(template.New("trends").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>faultdrill trends {{.Since}} – {{.Until}}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:980px;color:#111;padding:0 1em}
table{border-collapse:collapse;margin:.5em 0 1.5em;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.25em .5em;text-align:right}
th:first-child,td:first-child{text-align:left}
section.figure{margin:1.5em 0}
svg.chart{width:100%;height:auto;background:#fafafa;border:1px solid #eee}
svg text{font-size:11px;fill:#555}
.legend span{margin-right:1em}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px}
</style>
</head>
<body>
<h1>Drill trends</h1>
<p>{{.Runs}} drill(s) from {{.Since}} to {{.Until}}. Generated {{.Generated}} by faultdrill trends.</p>
<h2>Per scenario</h2>
{{template "table" .ByScenario}}
<h2>Per service</h2>
{{template "table" .ByService}}
<h2>Over time</h2>
{{range .Charts}}<section class="figure" id="{{.ID}}">
<h3>{{.Title}} <small>({{.Unit}})</small></h3>
<svg class="chart" data-figure="{{.ID}}" viewBox="0 0 {{.W}} {{.H}}" role="img" aria-label="{{.Title}} over time">
<line x1="{{.X0}}" y1="{{.Y0}}" x2="{{.X1}}" y2="{{.Y0}}" stroke="#999"/>
<line x1="{{.X0}}" y1="{{.YTop}}" x2="{{.X0}}" y2="{{.Y0}}" stroke="#999"/>
<text x="{{.X0}}" y="{{.YTop}}" dx="-4" dy="4" text-anchor="end">{{.Max}}</text>
<text x="{{.X0}}" y="{{.Y0}}" dx="-4" text-anchor="end">0</text>
<text x="{{.X0}}" y="{{.H}}" dy="-6">{{.XFirst}}</text>
<text x="{{.X1}}" y="{{.H}}" dy="-6" text-anchor="end">{{.XLast}}</text>
{{range .Lines}}<g class="series" data-series="{{.Name}}">{{if .Points}}<polyline fill="none" stroke="{{.Color}}" stroke-width="2" points="{{.Points}}"/>{{end}}
{{$c := .Color}}{{range .Dots}}<circle cx="{{printf "%.1f" .X}}" cy="{{printf "%.1f" .Y}}" r="3" fill="{{$c}}"><title>{{.Title}}</title></circle>{{end}}</g>
{{end}}</svg>
<div class="legend">{{range .Lines}}<span><i style="background:{{.Color}}"></i>{{.Name}}</span>{{end}}</div>
</section>
{{end}}
</body>
</html>
{{define "table"}}<table>
<thead><tr><th>name</th><th>drills</th><th>per week</th><th>pass rate</th><th>rollback (median)</th><th>detection (median)</th><th>RTO (median)</th><th>RTO (p90)</th><th>data inconsistency</th><th>lost writes</th><th>MTTR (median)</th></tr></thead>
<tbody>{{range .}}<tr><td>{{.Group}}</td><td>{{.Runs}}</td><td>{{.PerWeek}}</td><td>{{.PassRate}}</td><td>{{.Rollback}}</td><td>{{.Detection}}</td><td>{{.RTO}}</td><td>{{.RTOP90}}</td><td>{{.Inconsistency}}</td><td>{{.LostWrites}}</td><td>{{.MTTR}}</td></tr>
{{end}}</tbody>
</table>{{end}}
`))
