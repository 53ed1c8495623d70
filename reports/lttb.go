package reports

import "math"

// Point is one sample of a chart series.
type Point struct {
	X float64
	Y float64
}

// LTTB downsamples points, sorted by X, to at most threshold points with
// Largest-Triangle-Three-Buckets (Steinarsson, 2013): it keeps the first
// and the last point and, from each of threshold-2 equal buckets of the
// points between them, the one that forms the largest triangle with the
// point kept before it and the average of the next bucket. Peaks and dips
// survive, so a short error spike in a long drill stays visible. It
// returns points itself when threshold is not positive or points already
// fit.
func LTTB(points []Point, threshold int) []Point {
	n := len(points)
	switch {
	case threshold <= 0 || n <= threshold:
		return points
	case threshold == 1:
		return []Point{points[0]}
	case threshold == 2:
		return []Point{points[0], points[n-1]}
	}
	out := make([]Point, 0, threshold)
	out = append(out, points[0])
	kept := points[0]
	for i := range threshold - 2 {
		from, to := bucket(i, threshold-2, n)
		nextFrom, nextTo := bucket(i+1, threshold-2, n)
		next := average(points[nextFrom:nextTo])
		best, bestArea := from, -1.0
		for j := from; j < to; j++ {
			area := math.Abs((kept.X-next.X)*(points[j].Y-kept.Y) - (kept.X-points[j].X)*(next.Y-kept.Y))
			if area > bestArea {
				best, bestArea = j, area
			}
		}
		kept = points[best]
		out = append(out, kept)
	}
	return append(out, points[n-1])
}

// bucket returns the index range [from, to) of the i-th of buckets equal
// buckets of the n-2 points between the first and the last; the bucket
// after the last one is the last point alone.
func bucket(i, buckets, n int) (from, to int) {
	from = i*(n-2)/buckets + 1
	to = (i+1)*(n-2)/buckets + 1
	return from, min(max(to, from+1), n)
}

// average is the mean of points, which is not empty.
func average(points []Point) Point {
	var p Point
	for _, q := range points {
		p.X += q.X
		p.Y += q.Y
	}
	k := float64(len(points))
	return Point{X: p.X / k, Y: p.Y / k}
}
