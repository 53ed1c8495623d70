package faults

import (
	"context"

	tpclient "github.com/Shopify/toxiproxy/v2/client"
)

// Revert undoes what an open ledger entry left on a remote toxiproxy
// server, for a cleanup after a crashed drill: the toxics of an unhealed
// network fault (see Unhealed; a Down link is enabled again) or the proxy of
// an open link (see OpenLinks). Toxics or proxies already gone count as
// reverted.
//
// Revert does nothing for an entry of an embedded server (its faults ended
// with the drill's process) nor for a process fault: the caller resumes a
// paused group from e.Process itself (sut.ContinueLeftover), and a killed
// service ended with its drill. Revert writes no ledger line (see
// MarkReverted).
func Revert(ctx context.Context, e LedgerEntry) error {
	if e.Embedded || e.API == "" {
		return nil
	}
	cl := tpclient.NewClient(e.API)
	switch {
	case e.Action == ActionLink:
		return await(ctx, func() error { return deleteProxy(cl, e.Proxy) })
	case e.Action == ActionInject && !e.Fault.OnService():
		return await(ctx, func() error { return revertFault(cl, e.Proxy, e.Fault, true) })
	}
	return nil
}
