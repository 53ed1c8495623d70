package scenarios

import (
	"slices"
	"strings"
)

// StartOrder returns the services of s in the order to start them: the
// services of StartGroups, group after group.
func StartOrder(s *Scenario) []string {
	var order []string
	for _, g := range StartGroups(s) {
		order = append(order, g...)
	}
	return order
}

// StartGroups returns the services of s in the groups they start in, in
// the order to start them. Services with the same group start together; a
// service with no group is a group of its own. A group whose services a
// link goes to starts before the group of the service it comes from, and
// groups that could start at the same point go by their first service's
// name; services within a group are sorted by name. Links that name no
// defined service are ignored; when links form a cycle between groups
// (validation refuses it), the group with the first name among those left
// starts next, so every service is listed exactly once.
func StartGroups(s *Scenario) [][]string {
	unit := unitsOf(s)
	// waitsFor[u] holds the groups u's services call, which start first.
	waitsFor := map[string]map[string]bool{}
	members := map[string][]string{}
	for _, name := range sortedKeys(s.System.Services) {
		u := unit[name]
		if waitsFor[u] == nil {
			waitsFor[u] = map[string]bool{}
		}
		members[u] = append(members[u], name)
	}
	for _, l := range s.System.Links {
		from, fromOK := unit[l.From]
		to, toOK := unit[l.To]
		if fromOK && toOK && from != to {
			waitsFor[from][to] = true
		}
	}
	left := make([]string, 0, len(members))
	for u := range members {
		left = append(left, u)
	}
	slices.SortFunc(left, func(a, b string) int { return strings.Compare(members[a][0], members[b][0]) })
	groups := make([][]string, 0, len(left))
	started := map[string]bool{}
	for len(left) > 0 {
		next := slices.IndexFunc(left, func(u string) bool {
			for dep := range waitsFor[u] {
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
		groups = append(groups, members[left[next]])
		left = slices.Delete(left, next, next+1)
	}
	return groups
}

// unitsOf maps each service to its start unit: "group:NAME" for a service
// of a group, "service:NAME" for one of its own.
func unitsOf(s *Scenario) map[string]string {
	unit := make(map[string]string, len(s.System.Services))
	for name, svc := range s.System.Services {
		if svc.Group != "" {
			unit[name] = "group:" + svc.Group
		} else {
			unit[name] = "service:" + name
		}
	}
	return unit
}

// linkCycle returns the indexes, in s.System.Links, of links that form a
// cycle between start units (services of different groups, or of no
// group), in the order of one such cycle; nil when there is none.
func linkCycle(s *Scenario) []int {
	unit := unitsOf(s)
	out := map[string][]int{} // unit → links leaving it to another unit
	for i, l := range s.System.Links {
		from, fromOK := unit[l.From]
		to, toOK := unit[l.To]
		if fromOK && toOK && from != to {
			out[from] = append(out[from], i)
		}
	}
	units := make([]string, 0, len(out))
	for u := range out {
		units = append(units, u)
	}
	slices.Sort(units)
	const (
		unseen = iota
		active
		done
	)
	state := map[string]int{}
	var stack []int // the links followed to reach the current unit
	var visit func(u string) []int
	visit = func(u string) []int {
		state[u] = active
		for _, i := range out[u] {
			next := unit[s.System.Links[i].To]
			switch state[next] {
			case active:
				// The cycle is the links from where next was entered.
				cycle := []int{i}
				for j := len(stack) - 1; j >= 0; j-- {
					if unit[s.System.Links[stack[j]].To] == next {
						break
					}
					cycle = append([]int{stack[j]}, cycle...)
				}
				return cycle
			case unseen:
				stack = append(stack, i)
				if c := visit(next); c != nil {
					return c
				}
				stack = stack[:len(stack)-1]
			}
		}
		state[u] = done
		return nil
	}
	for _, u := range units {
		if state[u] == unseen {
			if c := visit(u); c != nil {
				return c
			}
		}
	}
	return nil
}
