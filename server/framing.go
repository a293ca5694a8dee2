package server

import (
	"bytes"
	"net"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"

	"tenx"
)

// Go's HTTP/1.1 server accepts a request carrying both Content-Length and
// Transfer-Encoding by dropping Content-Length (RFC 9112 §6.1 lets it),
// but then keeps the connection open, which the same section forbids: a
// proxy in front that framed the request by Content-Length would disagree
// about where the next request starts (request smuggling). The header is
// gone before any handler runs, so the listener looks at the raw bytes:
// GuardFraming follows each request's framing on the wire and marks a
// request with both headers; the first middleware answers it 400 and asks
// for the connection to be closed.

// framingConflictHeader marks a request that arrived with both headers. A
// client sending it itself only earns the same 400.
const framingConflictHeader = "X-Tenx-Framing-Conflict"

// maxHeaderScan bounds the bytes kept while looking for a header block's
// end; past it the stream is passed on untouched and the HTTP server
// refuses the oversized header itself.
const maxHeaderScan = 1 << 20

// GuardFraming wraps a listener so that requests framed by both
// Content-Length and Transfer-Encoding are refused (see rejectAmbiguousFraming).
func GuardFraming(ln net.Listener) net.Listener { return &framingListener{ln} }

type framingListener struct{ net.Listener }

func (l *framingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &framingConn{Conn: c}, nil
}

// framingConn passes the bytes of a connection on, header blocks only once
// they are whole, tracking where each request's body ends.
type framingConn struct {
	net.Conn
	mu      sync.Mutex
	buf     []byte // the read buffer, reused
	in, out []byte
	state   framingState
	left    int64 // bytes of the current body or chunk still to come
	// raw stops the tracking after input the HTTP server will refuse and
	// close the connection on anyway.
	raw bool
}

type framingState int

const (
	inHeader framingState = iota
	inBody
	inChunkSize
	inChunkData
	inChunkEnd
	inTrailer
)

func (c *framingConn) Read(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for len(c.out) == 0 {
		if c.buf == nil {
			c.buf = make([]byte, 16<<10)
		}
		n, err := c.Conn.Read(c.buf)
		c.in = append(c.in, c.buf[:n]...)
		c.advance()
		if len(c.out) == 0 && err != nil {
			return 0, err
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
}

// advance moves every byte whose place in the framing is known from in to
// out.
func (c *framingConn) advance() {
	for len(c.in) > 0 {
		if c.raw {
			c.emit(len(c.in))
			return
		}
		if !c.step() {
			return // waits for more bytes
		}
	}
}

// step consumes one framing element, reporting false when it needs more
// input.
func (c *framingConn) step() bool {
	switch c.state {
	case inHeader:
		return c.header()
	case inBody, inChunkData:
		n := int64(len(c.in))
		if n > c.left {
			n = c.left
		}
		c.emit(int(n))
		if c.left -= n; c.left > 0 {
			return true
		}
		if c.state == inBody {
			c.state = inHeader
		} else {
			c.state = inChunkEnd
		}
		return true
	case inChunkEnd:
		return c.line(func([]byte) { c.state = inChunkSize })
	case inChunkSize:
		return c.line(c.chunkSize)
	default: // inTrailer
		return c.line(func(l []byte) {
			if len(bytes.TrimRight(l, "\r\n")) == 0 {
				c.state = inHeader
			}
		})
	}
}

// line consumes one LF-terminated line and hands it to f.
func (c *framingConn) line(f func([]byte)) bool {
	i := bytes.IndexByte(c.in, '\n')
	if i < 0 {
		c.raw = len(c.in) > maxHeaderScan
		return false
	}
	l := c.in[:i+1]
	f(l)
	c.emit(i + 1)
	return true
}

func (c *framingConn) chunkSize(l []byte) {
	l = bytes.TrimRight(l, "\r\n")
	if i := bytes.IndexByte(l, ';'); i >= 0 {
		l = l[:i]
	}
	n, err := strconv.ParseInt(string(bytes.TrimSpace(l)), 16, 64)
	switch {
	case err != nil || n < 0:
		c.raw = true // the server's chunked reader fails and closes
	case n == 0:
		c.state = inTrailer
	default:
		c.state, c.left = inChunkData, n
	}
}

// header waits for a whole header block, then decides the body's framing.
func (c *framingConn) header() bool {
	end := headerEnd(c.in)
	if end < 0 {
		c.raw = len(c.in) > maxHeaderScan
		return false
	}
	block := c.in[:end]
	f := parseFraming(block)
	switch {
	case f.conflict:
		// Mark the request after its request line; the server frames it
		// by Transfer-Encoding, as it would have anyway.
		nl := bytes.IndexByte(block, '\n') + 1
		marked := append(append(append([]byte{}, block[:nl]...), framingConflictHeader+": 1\r\n"...), block[nl:]...)
		c.out = append(c.out, marked...)
		c.in = c.in[end:]
		c.state = inChunkSize
		return true
	case f.chunked:
		c.state = inChunkSize
	case f.length > 0:
		c.state, c.left = inBody, f.length
	case f.length < 0:
		c.raw = true // a length the server refuses
	}
	c.emit(end)
	return true
}

// emit moves the first n bytes of in to out.
func (c *framingConn) emit(n int) {
	c.out = append(c.out, c.in[:n]...)
	c.in = c.in[n:]
}

// headerEnd returns the length of the header block at the start of b (up
// to and including its empty line), or -1 when it is not whole yet.
func headerEnd(b []byte) int {
	for i := 0; ; {
		j := bytes.IndexByte(b[i:], '\n')
		if j < 0 {
			return -1
		}
		lineLen := j
		if lineLen > 0 && b[i+j-1] == '\r' {
			lineLen--
		}
		if lineLen == 0 && i > 0 {
			return i + j + 1
		}
		i += j + 1
	}
}

// framing is how one request's body is delimited.
type framing struct {
	length   int64 // Content-Length; -1 when unparsable
	chunked  bool
	conflict bool
}

// parseFraming reads the framing headers of a header block. HTTP/1.0
// requests have their Transfer-Encoding ignored, as the server does.
func parseFraming(block []byte) framing {
	var f framing
	lines := bytes.Split(block, []byte("\n"))
	http10 := bytes.HasSuffix(bytes.TrimRight(lines[0], "\r"), []byte("HTTP/1.0"))
	var hasLength, hasTE bool
	for _, l := range lines[1:] {
		name, value, ok := bytes.Cut(bytes.TrimRight(l, "\r"), []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, err := strconv.ParseInt(string(value), 10, 64)
			if err != nil || n < 0 || (hasLength && n != f.length) {
				n = -1
			}
			f.length, hasLength = n, true
		case bytes.EqualFold(name, []byte("Transfer-Encoding")) && !http10:
			hasTE = true
			f.chunked = bytes.EqualFold(value, []byte("chunked"))
		}
	}
	f.conflict = hasLength && hasTE
	if hasTE && !f.chunked {
		f.length = -1 // an encoding the server refuses with 501 and closes
	}
	return f
}

// rejectAmbiguousFraming answers a request GuardFraming marked, and closes
// its connection.
func rejectAmbiguousFraming(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if _, bad := c.Request().Header[framingConflictHeader]; !bad {
			return next(c)
		}
		c.Response().Header().Set(echo.HeaderConnection, "close")
		return &tenx.Error{Code: tenx.EVALIDATION,
			Message: "a request must not carry both Content-Length and Transfer-Encoding"}
	}
}
