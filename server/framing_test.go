package server_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"tenx/server"
)

// serveGuarded serves e's handler on a loopback listener wrapped by
// GuardFraming and returns its address.
func serveGuarded(t *testing.T, e *env) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: e.h, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(server.GuardFraming(ln))
	t.Cleanup(func() { hs.Close() })
	return ln.Addr().String()
}

// rawConn sends raw bytes, chunked into pieces of size step (0: at once),
// and reads the responses that follow.
type rawConn struct {
	t  *testing.T
	c  net.Conn
	br *bufio.Reader
}

func dialRaw(t *testing.T, addr string) *rawConn {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(20 * time.Second)) // a hang guard, not a speed check
	return &rawConn{t: t, c: c, br: bufio.NewReader(c)}
}

func (r *rawConn) send(s string, step int) {
	r.t.Helper()
	for s != "" {
		n := len(s)
		if step > 0 && step < n {
			n = step
		}
		if _, err := io.WriteString(r.c, s[:n]); err != nil {
			return // the server may answer and close before the last bytes
		}
		s = s[n:]
		if step > 0 {
			time.Sleep(time.Millisecond) // lets the server see the pieces apart
		}
	}
}

func (r *rawConn) response() (*http.Response, string) {
	r.t.Helper()
	resp, err := http.ReadResponse(r.br, nil)
	if err != nil {
		r.t.Fatalf("read response: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

func (r *rawConn) mustBeClosed() {
	r.t.Helper()
	if _, err := r.br.ReadByte(); !errors.Is(err, io.EOF) {
		r.t.Fatalf("connection still open after the refusal (read: %v)", err)
	}
}

const signupBody = `{"email":"x@example.com","password":"correct horse battery"}`

func chunked(body string) string {
	return strconv.FormatInt(int64(len(body)), 16) + "\r\n" + body + "\r\n0\r\n\r\n"
}

// TestBothContentLengthAndTransferEncodingRefused: a request framed both
// ways is answered 400 in the envelope and its connection closed, so no
// bytes after it are taken as another request.
func TestBothContentLengthAndTransferEncodingRefused(t *testing.T) {
	t.Parallel()
	e := MustOpenServer(t)
	addr := serveGuarded(t, e)
	smuggled := "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	for _, tc := range []struct {
		name, headers string
		step          int
	}{
		{"canonical", "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", 0},
		{"other case and order", "transfer-encoding: CHUNKED\r\ncontent-length: 4\r\n", 0},
		{"byte by byte", "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := dialRaw(t, addr)
			r.send("POST /v2/auth/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+tc.headers+"\r\n"+
				chunked(signupBody)+smuggled, tc.step)
			resp, body := r.response()
			var env struct{ Error, Message, RequestID string }
			if err := json.Unmarshal([]byte(body), &env); err != nil || resp.StatusCode != 400 ||
				env.Error != "validation_error" || env.RequestID == "" || !resp.Close {
				t.Fatalf("got %d close=%v %s, want 400 validation_error with Connection: close", resp.StatusCode, resp.Close, body)
			}
			r.mustBeClosed()
		})
	}
}

// TestGuardFramingKeepsKeepAlive: well-framed requests of every kind, sent
// back to back on one connection (whole or in pieces), are all answered.
func TestGuardFramingKeepsKeepAlive(t *testing.T) {
	t.Parallel()
	e := MustOpenServer(t)
	addr := serveGuarded(t, e)
	for _, step := range []int{0, 1, 7} {
		r := dialRaw(t, addr)
		email := fmt.Sprintf("k%d@example.com", step)
		body := `{"email":"` + email + `","password":"correct horse battery"}`
		r.send("POST /v2/auth/signup HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"+
			chunked(body)+
			"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"+
			"POST /v2/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "+
			strconv.Itoa(len(body))+"\r\n\r\n"+body, step)
		for i, want := range []int{201, 200, 200} {
			if resp, b := r.response(); resp.StatusCode != want || resp.Close {
				t.Fatalf("step %d, response %d: got %d close=%v %s, want %d on an open connection", step, i, resp.StatusCode, resp.Close, b, want)
			}
		}
	}
}
