package faults

import (
	"context"

	tpclient "github.com/Shopify/toxiproxy/v2/client"
)

// Revert undoes the fault of an unhealed ledger entry (see Unhealed) on
// the toxiproxy server it names, for a cleanup after a crashed drill. An
// entry of an embedded server needs nothing: its faults ended with the
// process. Toxics or proxies already gone count as reverted; a Down link is
// enabled again. Revert writes no ledger line.
func Revert(ctx context.Context, e LedgerEntry) error {
	if e.Embedded || e.Action != ActionInject {
		return nil
	}
	cl := tpclient.NewClient(e.API)
	return await(ctx, func() error { return revertFault(cl, e.Proxy, e.Fault, true) })
}
