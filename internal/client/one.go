package client

import (
	"context"
	"net/http"
	"net/url"
)

// ONE is Veeam ONE.
const ONE Product = "one"

// Veeam ONE: OAuth 2.0 POST /api/token (a form) with the password grant (the user name as
// DOMAIN\USERNAME or USERNAME) and refresh_token; POST /api/revoke with the token logs out.
// The token endpoints carry no version.

// ONEFlavor describes Veeam ONE to the lifecycle.
var ONEFlavor = oauthFlavor(Flavor{
	Product:     ONE,
	Title:       "Veeam ONE",
	DefaultPort: 1239,
	TokenPath:   "/api/token",
	Login:       passwordLogin(`the user name is DOMAIN\USERNAME or USERNAME of a Veeam ONE user`),
	Logout: func(ctx context.Context, s *Session, t *Token) error {
		_, err := s.Send(ctx, Request{Method: http.MethodPost, Path: "/api/revoke", Form: url.Values{"token": {t.AccessToken}}}, t)
		return err
	},
})

// ONEClient is the Veeam ONE API over one Session.
type ONEClient struct{ *Session }

// NewONE opens (lazily) a Veeam ONE session.
func NewONE(cfg Config) (*ONEClient, error) {
	return newClient[ONEClient](ONEFlavor, cfg)
}
