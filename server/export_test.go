package server

import (
	"github.com/labstack/echo/v4"

	"tenx/auth"
)

// AddRoute serves h at method and path as if the spec declared an
// operation there with requirement req, so that benchmarks measure the
// whole middleware chain in front of a trivial handler.
func (s *Server) AddRoute(method, path string, req auth.Requirement, h echo.HandlerFunc) {
	s.contract.ops[route{method, path}] = &operation{requirement: req}
	s.echo.Add(method, path, h)
}
