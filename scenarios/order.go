package scenarios

import "slices"

// StartOrder returns the services of s in the order to start them: the
// service a link goes to starts before the service it comes from, and
// services that could start at the same point go by name. Links that name
// no defined service are ignored; when links form a cycle, the service with
// the first name among those left starts next, so every service is listed
// exactly once.
func StartOrder(s *Scenario) []string {
	// waitsFor[a] holds the services a calls, which must start before a.
	waitsFor := map[string]map[string]bool{}
	for name := range s.System.Services {
		waitsFor[name] = map[string]bool{}
	}
	for _, l := range s.System.Links {
		_, fromOK := waitsFor[l.From]
		_, toOK := waitsFor[l.To]
		if fromOK && toOK && l.From != l.To {
			waitsFor[l.From][l.To] = true
		}
	}
	left := sortedKeys(waitsFor)
	order := make([]string, 0, len(left))
	started := map[string]bool{}
	for len(left) > 0 {
		next := slices.IndexFunc(left, func(name string) bool {
			for dep := range waitsFor[name] {
				if !started[dep] {
					return false
				}
			}
			return true
		})
		if next < 0 {
			next = 0 // a cycle: break it at the first name
		}
		started[left[next]] = true
		order = append(order, left[next])
		left = slices.Delete(left, next, next+1)
	}
	return order
}
