package main

import (
	"net/http"
	"testing"

	sdk "tenx/client"
)

// TestGoSDK drives a real server through the Go SDK: sign up, log in,
// create a handle, mint a PAT, upsert and list links with it, revoke it.
func TestGoSDK(t *testing.T) {
	env, _ := sqliteEnv(t)
	srv := mustServe(t, env)
	ctx := t.Context()
	anon, err := sdk.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	creds := sdk.Credentials{Email: "sdk@example.com", Password: "sdk-password-123"}
	signup, err := anon.SignupWithResponse(ctx, sdk.Signup(creds))
	checkClient(t, "signup", err, signup, http.StatusCreated)
	login, err := anon.LoginWithResponse(ctx, creds)
	checkClient(t, "login", err, login, http.StatusOK)

	owner, err := sdk.New(srv.URL, sdk.WithJWT(login.JSON200.AccessToken))
	if err != nil {
		t.Fatal(err)
	}
	h, err := owner.CreateHandleWithResponse(ctx, sdk.HandleCreate{Handle: "sdk-shop"})
	checkClient(t, "createHandle", err, h, http.StatusCreated)
	minted, err := owner.CreateTokenWithResponse(ctx, "sdk-shop", sdk.TokenCreate{Name: "ci", Scopes: []string{"links.write"}})
	checkClient(t, "createToken", err, minted, http.StatusCreated)

	bot, err := sdk.New(srv.URL, sdk.WithPAT(minted.JSON201.Token))
	if err != nil {
		t.Fatal(err)
	}
	title := "Launch"
	up, err := bot.UpsertLinkPublicWithResponse(ctx, "sdk-shop", "launch", sdk.LinkInput{DestinationUrl: "https://example.com/launch", Title: &title})
	checkClient(t, "upsertLink", err, up, http.StatusCreated)
	list, err := bot.ListLinksPublicWithResponse(ctx, "sdk-shop", nil)
	checkClient(t, "listLinks", err, list, http.StatusOK)
	// With TENX_ADDR on port 0, links name the port the server really got.
	if len(list.JSON200.Links) != 1 || list.JSON200.Links[0].Url != srv.URL+"/sdk-shop/launch" {
		t.Fatalf("links %+v", list.JSON200.Links)
	}
	if list.HTTPResponse.Header.Get("RateLimit-Policy") == "" {
		t.Error("PAT response without RateLimit-Policy")
	}

	revoked, err := owner.RevokeTokenWithResponse(ctx, "sdk-shop", minted.JSON201.TokenId)
	checkClient(t, "revokeToken", err, revoked, http.StatusNoContent)
	after, err := bot.ListLinksPublicWithResponse(ctx, "sdk-shop", nil)
	checkClient(t, "listLinks after revoke", err, after, http.StatusUnauthorized)
	if after.JSON401.Error != "token_revoked" {
		t.Fatalf("after revoke: %+v", after.JSON401)
	}
}
