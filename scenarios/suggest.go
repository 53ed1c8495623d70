package scenarios

import (
	"fmt"
	"strings"
)

// suggest returns the candidate closest to name when it is near enough to
// be a likely typo or a misremembered word, or "" when none is.
func suggest(name string, candidates []string) string {
	best, bestDist := "", -1
	lname := strings.ToLower(name)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(lname, lc)
		if d > maxTypos(lname, lc) && !sameLetters(lname, lc) {
			continue
		}
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// sameLetters reports whether a and b share most of their letters in the
// same order (a longest common subsequence of 60% of the longer word), as
// "retries" and "triggers" do.
func sameLetters(a, b string) bool {
	n := max(len(a), len(b))
	return min(len(a), len(b)) >= 4 && 10*commonSubsequence(a, b) >= 6*n
}

// commonSubsequence is the length of the longest common subsequence of a
// and b.
func commonSubsequence(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			if ra[i-1] == rb[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// maxTypos is how many edits still make a and b look like the same word:
// a third of the longer word, at least one, plus leeway for names that
// share a long prefix or contain one another.
func maxTypos(a, b string) int {
	n := max(len(a), len(b))
	limit := max(1, n/3)
	if len(a) >= 3 && len(b) >= 3 && (strings.Contains(a, b) || strings.Contains(b, a)) {
		limit = n
	}
	if len(a) >= 3 && len(b) >= 3 && a[:3] == b[:3] {
		limit = max(limit, n/2)
	}
	return limit
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of adjacent letters.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// unknownValue says that got is not one of the valid words for what.
func unknownValue(what, got string, valid []string) string {
	if s := suggest(got, valid); s != "" {
		return fmt.Sprintf("unknown %s %q (did you mean %q?)", what, got, s)
	}
	return fmt.Sprintf("unknown %s %q; use one of: %s", what, got, strings.Join(valid, ", "))
}

// undefined says that the name got refers to no defined thing of kind what;
// where says where such things are defined.
func undefined(what, got string, defined []string, where string) string {
	if s := suggest(got, defined); s != "" {
		return fmt.Sprintf("%s %q is not defined (did you mean %q?)", what, got, s)
	}
	if len(defined) == 0 {
		return fmt.Sprintf("%s %q is not defined; define it under %s", what, got, where)
	}
	return fmt.Sprintf("%s %q is not defined; use one of: %s", what, got, strings.Join(defined, ", "))
}
