package scenarios_test

import (
	"errors"
	"strings"

	. "github.com/onsi/gomega"

	"github.com/faultdrill/faultdrill/scenarios"
)

// parse parses src as the file "s.yaml" and expects it to be valid.
func parse(src string) *scenarios.Scenario {
	s, err := scenarios.Parse("s.yaml", []byte(src))
	ExpectWithOffset(1, err).NotTo(HaveOccurred())
	ExpectWithOffset(1, s).NotTo(BeNil())
	return s
}

// problemLines parses src as the file "s.yaml", expects it to be invalid,
// and returns the lines of the error.
func problemLines(src string) []string {
	s, err := scenarios.Parse("s.yaml", []byte(src))
	ExpectWithOffset(1, err).To(HaveOccurred(), "the scenario parsed without problems")
	ExpectWithOffset(1, s).To(BeNil())
	ExpectWithOffset(1, err).To(MatchError(scenarios.ErrInvalid))
	var problems scenarios.Problems
	ExpectWithOffset(1, errors.As(err, &problems)).To(BeTrue(), "the error is no Problems: %v", err)
	return strings.Split(err.Error(), "\n")
}
