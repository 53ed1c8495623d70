package gameday_test

import (
	"testing"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
)

func TestGameday(t *testing.T) {
	RegisterFailHandler(Fail)
	RunSpecs(t, "gameday")
}
