package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
)

// ErrForbiddenAddress is the error of a connection to an address the guard
// refuses.
var ErrForbiddenAddress = errors.New("destination address is not allowed (loopback, private, link-local or metadata)")

// forbidden lists the ranges a webhook may not reach unless the operator
// allows private receivers: besides loopback, private (RFC 1918, ULA),
// link-local (which holds cloud metadata at 169.254.169.254) and
// unspecified addresses, CGNAT, IPv4-mapped forms of them, and the
// well-known metadata addresses.
var forbidden = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),  // CGNAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, broadcast
	netip.MustParsePrefix("fd00:ec2::/32"),  // AWS metadata over IPv6 (within ULA, listed for clarity)
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64 of any IPv4 address
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
}

// Allowed reports whether a webhook may connect to ip.
func Allowed(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsMulticast() || ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range forbidden {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// guardControl is the dialer's Control hook: it runs for each address the
// dialer connects to, after DNS resolution, so a name that resolves (or
// rebinds) to a forbidden address is refused too.
func guardControl(_ context.Context, network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
	}
	if !Allowed(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, ap.Addr())
	}
	return nil
}

// newDialer returns the dialer of deliveries: guarded unless allowPrivate.
func newDialer(allowPrivate bool) *net.Dialer {
	d := &net.Dialer{Timeout: DefaultTimeout}
	if !allowPrivate {
		d.ControlContext = guardControl
	}
	return d
}
