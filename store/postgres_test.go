package store_test

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"tenx"
	"tenx/store"
)

// hungServer accepts connections and never answers on them, like a
// Postgres that is hung rather than down.
func hungServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String()
}

// TestHungServer: connecting to a server that accepts but never answers
// ends with the caller's context, well before lib/pq's connect_timeout
// (5 s by default) and never "forever", as EUNAVAILABLE.
func TestHungServer(t *testing.T) {
	t.Parallel()
	url := fmt.Sprintf("postgres://postgres@%s/test?sslmode=disable", hungServer(t))
	db, err := store.Open(t.Context(), url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"Ping", db.Ping},
		{"FindUserByID", func(ctx context.Context) error { _, err := db.FindUserByID(ctx, "usr_x"); return err }},
		{"CreateUser", func(ctx context.Context) error { return db.CreateUser(ctx, &tenx.User{Email: "a@example.com"}) }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
			defer cancel()
			done := make(chan error, 1)
			start := time.Now()
			go func() { done <- c.call(ctx) }()
			select {
			case err := <-done:
				t.Logf("answered after %v", time.Since(start).Round(time.Millisecond))
				checkCode(t, err, tenx.EUNAVAILABLE)
			case <-time.After(20 * time.Second):
				t.Fatal("no answer within 20s")
			}
		})
	}
}
