package reports_test

import (
	"math"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/reports"
)

// flat returns n points on y=1 with x = index.
func flat(n int) []reports.Point {
	ps := make([]reports.Point, n)
	for i := range ps {
		ps[i] = reports.Point{X: float64(i), Y: 1}
	}
	return ps
}

var _ = Describe("LTTB", func() {
	It("keeps the point of the largest triangle in each bucket (worked by hand)", func() {
		// 5 points, threshold 3: one bucket {1,2,3} between the ends; the
		// next "bucket" is the last point (4,0). With a=(0,0) and c=(4,0),
		// the triangle area is 2·y, so the point with the largest y wins.
		in := []reports.Point{{0, 0}, {1, 1}, {2, 5}, {3, 1}, {4, 0}}
		Expect(reports.LTTB(in, 3)).To(Equal([]reports.Point{{0, 0}, {2, 5}, {4, 0}}))
	})

	It("chooses against the average of the next bucket (worked by hand)", func() {
		// 6 points, threshold 4: buckets {1,2} and {3,4}. Bucket 1, with
		// a=(0,0) and the next bucket's average (3.5, 2): area ∝ |3.5·y - 2·x|
		// → (1,3): 8.5, (2,0): 4 → keeps (1,3). Bucket 2, a=(1,3), c=(5,0):
		// area ∝ |(1-5)(y-3) - (1-x)(0-3)| → (3,4): |-4-6|=10, (4,0): |12-9|=3
		// → keeps (3,4).
		in := []reports.Point{{0, 0}, {1, 3}, {2, 0}, {3, 4}, {4, 0}, {5, 0}}
		Expect(reports.LTTB(in, 4)).To(Equal([]reports.Point{{0, 0}, {1, 3}, {3, 4}, {5, 0}}))
	})

	It("returns the points as they are when they fit or there is no limit", func() {
		in := flat(10)
		Expect(reports.LTTB(in, 10)).To(Equal(in))
		Expect(reports.LTTB(in, 50)).To(Equal(in))
		Expect(reports.LTTB(in, 0)).To(Equal(in))
		Expect(reports.LTTB(nil, 5)).To(BeEmpty())
	})

	It("keeps only the ends for thresholds below 3", func() {
		in := flat(10)
		Expect(reports.LTTB(in, 1)).To(Equal(in[:1]))
		Expect(reports.LTTB(in, 2)).To(Equal([]reports.Point{in[0], in[9]}))
	})

	It("reduces 100k points to the threshold, in order, keeping the ends and a one-point spike", func() {
		in := flat(100_000)
		in[54_321].Y = 1000
		in[77_777].Y = -1000
		out := reports.LTTB(in, 1500)
		Expect(out).To(HaveLen(1500))
		Expect(out[0]).To(Equal(in[0]))
		Expect(out[len(out)-1]).To(Equal(in[len(in)-1]))
		for i := 1; i < len(out); i++ {
			Expect(out[i].X).To(BeNumerically(">", out[i-1].X))
		}
		Expect(out).To(ContainElement(reports.Point{X: 54_321, Y: 1000}))
		Expect(out).To(ContainElement(reports.Point{X: 77_777, Y: -1000}))
	})

	It("follows a sine wave: no kept point strays from the curve and peaks survive", func() {
		in := make([]reports.Point, 20_000)
		for i := range in {
			x := float64(i) / 100
			in[i] = reports.Point{X: x, Y: math.Sin(x)}
		}
		out := reports.LTTB(in, 500)
		Expect(out).To(HaveLen(500))
		maxY, minY := -2.0, 2.0
		for _, p := range out {
			Expect(p.Y).To(BeNumerically("~", math.Sin(p.X), 1e-12), "every kept point is an input point")
			maxY, minY = math.Max(maxY, p.Y), math.Min(minY, p.Y)
		}
		Expect(maxY).To(BeNumerically(">", 0.999))
		Expect(minY).To(BeNumerically("<", -0.999))
	})
})
