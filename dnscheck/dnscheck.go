// Package dnscheck looks up the DNS TXT records that prove control of a
// custom domain, through the resolver the operator names
// (TENX_DNS_RESOLVER) or the system's.
package dnscheck

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"tenx"
)

// Timeout bounds one lookup, retries included.
const Timeout = 3 * time.Second

// Resolver implements tenx.TXTResolver.
type Resolver struct {
	r *net.Resolver
}

var _ tenx.TXTResolver = (*Resolver)(nil)

// New returns a resolver that asks the DNS server at addr ("host:port",
// or "host" for port 53), or the system's resolver when addr is empty.
func New(addr string) *Resolver {
	if addr == "" {
		return &Resolver{r: net.DefaultResolver}
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		addr = net.JoinHostPort(addr, "53")
	}
	var d net.Dialer
	return &Resolver{r: &net.Resolver{PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		}}}
}

// ValidAddr reports whether addr can name a resolver for New.
func ValidAddr(addr string) bool {
	host := addr
	if h, port, err := net.SplitHostPort(addr); err == nil {
		if port == "" {
			return false
		}
		host = h
	}
	return host != "" && !strings.ContainsAny(host, "/ ")
}

// LookupTXT returns the TXT values at name; none when the name or its TXT
// record does not exist, EUNAVAILABLE when the resolver does not answer.
func (r *Resolver) LookupTXT(ctx context.Context, name string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	values, err := r.r.LookupTXT(ctx, strings.TrimSuffix(name, ".")+".")
	var de *net.DNSError
	if errors.As(err, &de) && de.IsNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, tenx.Errorf(tenx.EUNAVAILABLE, "the DNS lookup of %s failed; retry later", name)
	}
	return values, nil
}
