// Package dnstest runs a real DNS server on loopback for tests: it answers
// the TXT records a test sets, NXDOMAIN for every other name, and SERVFAIL
// for the names a test breaks.
package dnstest

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// Server is a DNS server on a loopback UDP port.
type Server struct {
	// Addr is its "127.0.0.1:port".
	Addr string

	mu     sync.Mutex
	txt    map[string][]string
	broken map[string]bool
}

// MustStart starts a server that stops when tb ends.
func MustStart(tb testing.TB) *Server {
	tb.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &Server{Addr: pc.LocalAddr().String(), txt: map[string][]string{}, broken: map[string]bool{}}
	started := make(chan struct{})
	srv := &dns.Server{PacketConn: pc, Handler: s, NotifyStartedFunc: func() { close(started) }}
	go func() { _ = srv.ActivateAndServe() }()
	<-started
	tb.Cleanup(func() { _ = srv.Shutdown() })
	return s
}

// SetTXT makes name answer values (none removes the record).
func (s *Server) SetTXT(name string, values ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.txt[dns.Fqdn(strings.ToLower(name))] = values
}

// Break makes name answer SERVFAIL.
func (s *Server) Break(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.broken[dns.Fqdn(strings.ToLower(name))] = true
}

// ServeDNS answers one query.
func (s *Server) ServeDNS(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	s.mu.Lock()
	for _, q := range req.Question {
		name := strings.ToLower(q.Name)
		values, ok := s.txt[name]
		switch {
		case s.broken[name]:
			m.Rcode = dns.RcodeServerFailure
		case !ok || len(values) == 0:
			m.Rcode = dns.RcodeNameError
		case q.Qtype == dns.TypeTXT:
			for _, v := range values { // one record each
				m.Answer = append(m.Answer, &dns.TXT{
					Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 0},
					Txt: []string{v}})
			}
		}
	}
	s.mu.Unlock()
	_ = w.WriteMsg(m)
}
