package faults

import (
	"errors"
	"fmt"
	"net/http"

	tpclient "github.com/Shopify/toxiproxy/v2/client"
)

// applyFault realises s (defaults filled) on the proxy named proxy: it
// disables the proxy for Down, or adds the fault's toxics. On error, some
// toxics may already be in place: revertFault removes them.
func applyFault(cl *tpclient.Client, proxy string, s Spec) error {
	if s.Kind == Down {
		return setEnabled(cl, proxy, false)
	}
	p := proxyRef(cl, proxy)
	for _, t := range toxicsFor(s) {
		_, err := p.AddToxic(t.name, t.kind, t.stream, t.toxicity, tpclient.Attributes(t.attrs))
		if err != nil {
			return fmt.Errorf("faults: add toxic %s to proxy %s: %w", t.name, proxy, err)
		}
	}
	return nil
}

// revertFault undoes applyFault. Parts already gone (a toxic or the whole
// proxy) count as reverted. For Down, enable says whether to enable the
// proxy again (false while another Down fault holds the same link).
func revertFault(cl *tpclient.Client, proxy string, s Spec, enable bool) error {
	if s.Kind == Down {
		if !enable {
			return nil
		}
		return setEnabled(cl, proxy, true)
	}
	p := proxyRef(cl, proxy)
	var errs []error
	for _, t := range toxicsFor(s) {
		if err := p.RemoveToxic(t.name); err != nil && !notFound(err) {
			errs = append(errs, fmt.Errorf("faults: remove toxic %s from proxy %s: %w", t.name, proxy, err))
		}
	}
	return errors.Join(errs...)
}

// setEnabled enables or disables a proxy. Disabling refuses new
// connections and closes open ones; the listen address stays the same. A
// missing proxy counts as enabled-and-gone when enabling.
func setEnabled(cl *tpclient.Client, proxy string, enabled bool) error {
	verb := "disable"
	if enabled {
		verb = "enable"
	}
	p, err := cl.Proxy(proxy)
	if err != nil {
		if enabled && notFound(err) {
			return nil
		}
		return fmt.Errorf("faults: %s proxy %s: %w", verb, proxy, err)
	}
	if p.Enabled == enabled {
		return nil
	}
	p.Enabled = enabled
	if err := p.Save(); err != nil {
		return fmt.Errorf("faults: %s proxy %s: %w", verb, proxy, err)
	}
	return nil
}

// deleteProxy removes a proxy with its toxics; a missing proxy is fine.
func deleteProxy(cl *tpclient.Client, proxy string) error {
	if err := proxyRef(cl, proxy).Delete(); err != nil && !notFound(err) {
		return fmt.Errorf("faults: delete proxy %s: %w", proxy, err)
	}
	return nil
}

// proxyRef is a handle on an existing proxy for calls that need only its
// name (toxics, delete), saving a round trip.
func proxyRef(cl *tpclient.Client, name string) *tpclient.Proxy {
	p := cl.NewProxy()
	p.Name = name
	return p
}

// notFound reports whether err is toxiproxy's answer for a missing proxy
// or toxic.
func notFound(err error) bool {
	var apiErr *tpclient.ApiError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusNotFound
}
