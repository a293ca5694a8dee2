package server

import (
	"context"
	"fmt"

	"tenx"
	"tenx/auth"
	"tenx/gen"
)

// Function bindings are written with a JWT (OPERATOR+) and listed on both
// planes (any valid PAT of the handle).

// ListFunctionBindings lists bindings (JWT).
func (s *Server) ListFunctionBindings(ctx context.Context, req gen.ListFunctionBindingsRequestObject) (gen.ListFunctionBindingsResponseObject, error) {
	out, err := s.listFunctionBindings(ctx, req.Handle, gen.ListFunctionBindingsPublicParams(req.Params))
	if err != nil {
		return nil, err
	}
	return gen.ListFunctionBindings200JSONResponse(out), nil
}

// ListFunctionBindingsPublic lists bindings (any PAT of the handle).
func (s *Server) ListFunctionBindingsPublic(ctx context.Context, req gen.ListFunctionBindingsPublicRequestObject) (gen.ListFunctionBindingsPublicResponseObject, error) {
	out, err := s.listFunctionBindings(ctx, req.Handle, req.Params)
	if err != nil {
		return nil, err
	}
	return gen.ListFunctionBindingsPublic200JSONResponse{Body: out}, nil
}

func (s *Server) listFunctionBindings(ctx context.Context, handle string, p gen.ListFunctionBindingsPublicParams) (gen.FunctionBindingList, error) {
	f := tenx.FunctionBindingFilter{Handle: handle}
	f.Limit, f.NextToken = listParams(p.Limit, p.NextToken)
	list, next, err := s.Functions.FindFunctionBindings(ctx, f)
	if err != nil {
		return gen.FunctionBindingList{}, err
	}
	out := gen.FunctionBindingList{FunctionBindings: make([]gen.FunctionBinding, 0, len(list)), NextToken: optional(next)}
	for _, b := range list {
		out.FunctionBindings = append(out.FunctionBindings, toAPIBinding(b))
	}
	return out, nil
}

// CreateFunctionBinding creates a binding (JWT, OPERATOR+).
func (s *Server) CreateFunctionBinding(ctx context.Context, req gen.CreateFunctionBindingRequestObject) (gen.CreateFunctionBindingResponseObject, error) {
	b := &tenx.FunctionBinding{Handle: req.Handle, Key: req.Body.Key, Description: deref(req.Body.Description),
		TargetURL: req.Body.TargetUrl, RequiredScope: req.Body.RequiredScope}
	if err := validateBinding(b); err != nil {
		return nil, err
	}
	if err := s.Functions.CreateFunctionBinding(ctx, b); err != nil {
		return nil, err
	}
	return gen.CreateFunctionBinding201JSONResponse(toAPIBinding(b)), nil
}

// UpdateFunctionBinding replaces a binding (JWT, OPERATOR+).
func (s *Server) UpdateFunctionBinding(ctx context.Context, req gen.UpdateFunctionBindingRequestObject) (gen.UpdateFunctionBindingResponseObject, error) {
	b := &tenx.FunctionBinding{Handle: req.Handle, Key: req.Key, Description: deref(req.Body.Description),
		TargetURL: req.Body.TargetUrl, RequiredScope: req.Body.RequiredScope}
	if err := validateBinding(b); err != nil {
		return nil, err
	}
	err := s.Functions.UpdateFunctionBinding(ctx, b)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "function binding %q not found", req.Key)
	}
	if err != nil {
		return nil, err
	}
	return gen.UpdateFunctionBinding200JSONResponse(toAPIBinding(b)), nil
}

// DeleteFunctionBinding deletes a binding (JWT, OPERATOR+).
func (s *Server) DeleteFunctionBinding(ctx context.Context, req gen.DeleteFunctionBindingRequestObject) (gen.DeleteFunctionBindingResponseObject, error) {
	err := s.Functions.DeleteFunctionBinding(ctx, req.Handle, req.Key)
	if tenx.ErrorCode(err) == tenx.ENOTFOUND {
		return nil, tenx.Errorf(tenx.ENOTFOUND, "function binding %q not found", req.Key)
	}
	if err != nil {
		return nil, err
	}
	return gen.DeleteFunctionBinding204Response{}, nil
}

// validateBinding checks b and that its scope is a concrete scope of the
// catalogue (a wildcard would let one binding stand for a family).
func validateBinding(b *tenx.FunctionBinding) error {
	if err := b.Validate(); err != nil {
		return err
	}
	if !auth.IsConcreteScope(b.RequiredScope) {
		return &tenx.Error{Code: tenx.EVALIDATION, Field: "requiredScope",
			Message: fmt.Sprintf("requiredScope %q is not a scope of the catalogue (see x-scopes)", b.RequiredScope)}
	}
	return nil
}

func toAPIBinding(b *tenx.FunctionBinding) gen.FunctionBinding {
	return gen.FunctionBinding{Key: b.Key, Description: b.Description, TargetUrl: b.TargetURL, RequiredScope: b.RequiredScope,
		CreatedAt: b.CreatedAt.UTC(), UpdatedAt: b.UpdatedAt.UTC()}
}
