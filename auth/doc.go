// Package auth authenticates callers: password hashing, EdDSA access tokens
// and their key set, sessions, credential extraction and the check of an
// operation's declared security requirements. It knows nothing of HTTP
// routing or of the generated API types.
package auth
