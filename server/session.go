package server

import (
	"context"
	"net/http"
	"time"

	"tenx"
	"tenx/auth"
	"tenx/gen"
)

// RefreshCookie is the name of the HttpOnly refresh cookie.
const RefreshCookie = "_10x_admin_refresh"

// refreshCookiePath limits the cookie to the auth routes.
const refreshCookiePath = "/v2/auth"

// Signup creates an account when sign-up is open (throttleAuth has limited
// it by IP).
func (s *Server) Signup(ctx context.Context, req gen.SignupRequestObject) (gen.SignupResponseObject, error) {
	if !s.cfg.SignupOpen {
		return nil, tenx.Errorf(tenx.ESIGNUPCLOSED, "sign-up is closed on this instance; ask an administrator")
	}
	u, err := s.Sessions.Signup(ctx, string(req.Body.Email), req.Body.Password, false)
	if err != nil {
		return nil, err
	}
	return gen.Signup201JSONResponse{User: toAPIUser(u)}, nil
}

// Login starts a session (throttleAuth has limited it by IP and account).
func (s *Server) Login(ctx context.Context, req gen.LoginRequestObject) (gen.LoginResponseObject, error) {
	g, err := s.Sessions.Login(ctx, string(req.Body.Email), req.Body.Password)
	if err != nil {
		return nil, err
	}
	cookie := s.refreshCookie(g.RefreshToken, s.cfg.SessionTTL)
	return gen.Login200JSONResponse{Body: s.accessToken(g), Headers: gen.Login200ResponseHeaders{SetCookie: &cookie}}, nil
}

// Refresh rotates the refresh cookie and issues a new access token.
func (s *Server) Refresh(ctx context.Context, req gen.RefreshRequestObject) (gen.RefreshResponseObject, error) {
	token := ""
	if req.Params.Underscore10xAdminRefresh != nil {
		token = *req.Params.Underscore10xAdminRefresh
	}
	g, err := s.Sessions.Refresh(ctx, token)
	if err != nil {
		return nil, err
	}
	cookie := s.refreshCookie(g.RefreshToken, s.cfg.SessionTTL)
	return gen.Refresh200JSONResponse{Body: s.accessToken(g), Headers: gen.Refresh200ResponseHeaders{SetCookie: &cookie}}, nil
}

// Logout ends the caller's session and clears the cookie.
func (s *Server) Logout(ctx context.Context, _ gen.LogoutRequestObject) (gen.LogoutResponseObject, error) {
	p := tenx.PrincipalFromContext(ctx)
	if err := s.Sessions.Logout(ctx, p.SessionID); err != nil {
		return nil, err
	}
	cookie := s.refreshCookie("", -1)
	return gen.Logout204Response{Headers: gen.Logout204ResponseHeaders{SetCookie: &cookie}}, nil
}

// GetMe returns the caller and the handles they reach.
func (s *Server) GetMe(ctx context.Context, _ gen.GetMeRequestObject) (gen.GetMeResponseObject, error) {
	p := tenx.PrincipalFromContext(ctx)
	u, err := s.Users.FindUserByID(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	handles, err := s.Handles.FindHandlesForUser(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	return gen.GetMe200JSONResponse{User: toAPIUser(u), Handles: toAPIHandles(handles)}, nil
}

func (s *Server) accessToken(g *auth.Grant) gen.AccessToken {
	return gen.AccessToken{AccessToken: g.AccessToken, TokenType: gen.Bearer,
		ExpiresIn: int(s.Sessions.Tokens.TTL() / time.Second), User: toAPIUser(g.User)}
}

// refreshCookie builds the Set-Cookie value; maxAge < 0 deletes it.
func (s *Server) refreshCookie(value string, maxAge time.Duration) string {
	c := http.Cookie{Name: RefreshCookie, Value: value, Path: refreshCookiePath,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode, MaxAge: int(maxAge / time.Second)}
	if maxAge < 0 {
		c.MaxAge = -1
	}
	return c.String()
}
