package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
)

// routingRouteName selects the routing comparison with -routes.
const routingRouteName = "redirect-routing"

// measureRouting measures what routing costs a redirect: a visit to the
// routed handle's link, which tries its 10 routing rules and the
// handle's 10 personalization rules before its destination, against the
// same visit (same path, query and headers) to the plain handle's link,
// which has no rule, alternating the two in each round.
func measureRouting(ctx context.Context, w io.Writer, f *fixture, o options) error {
	const path = "/slug-07?utm_campaign=launch"
	routed := target{url: f.tenxURL + "/routed" + path, header: visitorH, status: http.StatusFound}
	plain := target{url: f.tenxURL + "/plain" + path, header: visitorH, status: http.StatusFound}
	for _, conns := range o.conns {
		p, err := measurePair(ctx, routed, plain, conns, o)
		if err != nil {
			return err
		}
		fmt.Fprint(w, p.row(routingRouteName, f.database, conns))
	}
	return nil
}
