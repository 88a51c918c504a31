package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
)

// SPC is Veeam Service Provider Console.
const SPC Product = "spc"

// Veeam Service Provider Console, REST API v3: OAuth 2.0 POST /api/v3/token with the password
// grant and refresh_token. Logging out is DELETE /api/v3/users/{userId}/tokens, which revokes
// every token of the user (the API has no logout of one token); GET /api/v3/users/me tells
// the userId. Every request carries X-Client-Version, the REST API version the client is
// written for, so that the server answers enum values the client knows.

// SPCDefaultVersion is X-Client-Version when api_version is not set: 3.6, the REST API of
// Service Provider Console 9.
const SPCDefaultVersion = "3.6"

// SPCFlavor describes Service Provider Console to the lifecycle.
var SPCFlavor = oauthFlavor(Flavor{
	Product:        SPC,
	Title:          "Veeam Service Provider Console",
	DefaultPort:    1280,
	TokenPath:      "/api/v3/token",
	VersionHeader:  "X-Client-Version",
	DefaultVersion: SPCDefaultVersion,
	Login:          passwordLogin(`the user name is DOMAIN\USERNAME or USERNAME`),
	Logout:         spcLogout,
})

// spcLogout asks the server who the token's user is and revokes the user's tokens.
func spcLogout(ctx context.Context, s *Session, t *Token) error {
	resp, err := s.Send(ctx, Request{Method: http.MethodGet, Path: "/api/v3/users/me"}, t)
	if err != nil {
		return err
	}
	var me struct {
		Data struct {
			InstanceUID string `json:"instanceUid"`
		} `json:"data"`
	}
	if err := resp.Decode(&me); err != nil {
		return err
	}
	if me.Data.InstanceUID == "" {
		return fmt.Errorf("%s: GET /api/v3/users/me answered no instanceUid", SPC.Title())
	}
	_, err = s.Send(ctx, Request{Method: http.MethodDelete, Path: "/api/v3/users/" + url.PathEscape(me.Data.InstanceUID) + "/tokens"}, t)
	return err
}

// SPCClient is the Service Provider Console API over one Session.
type SPCClient struct{ *Session }

// NewSPC opens (lazily) a Service Provider Console session.
func NewSPC(cfg Config) (*SPCClient, error) {
	return newClient[SPCClient](SPCFlavor, cfg)
}
