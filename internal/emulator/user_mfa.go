package emulator

// Per-user MFA enrollment as the cloud-native backup family serves it
// (Backup for AWS, Backup for Microsoft Azure): POST users/{id}/enableMfa
// hands out a new secret, acceptMfa turns it on with a code of it,
// disableMfa turns MFA off. The state machine is core's (core/mfa.go);
// what differs between the products is a value (userMFA).

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// userMFA describes one product's enableMfa, acceptMfa and disableMfa.
type userMFA struct {
	product Product
	// target authenticates the request and returns the account {id} names,
	// or false when it has answered.
	target func(e *Emulator, w http.ResponseWriter, r *http.Request) (string, bool)
	// enabled is the answer of enableMfa: the enrolled user's identity and
	// the enrollment's MFASetup.
	enabled func(userName string, setup MFASetup) any
	// accepted and disabled are the success statuses of acceptMfa and
	// disableMfa (disabled may depend on the request's revision).
	accepted int
	disabled func(r *http.Request) int
}

// MFASetup is what the enableMfa answers of Backup for AWS and Backup for
// Microsoft Azure (UserMfaData) share after the user's identity: the
// otpauth URI of the new secret, the secret, the recovery codes and the
// token acceptMfa takes.
type MFASetup struct {
	QRString     string   `json:"qrString"`
	SecretKey    string   `json:"secretKey"`
	ScratchCodes []string `json:"scratchCodes"`
	Token        string   `json:"token"`
}

// userError answers err (from a core account or MFA verb); it reports
// whether there was one.
func userError(w http.ResponseWriter, r *http.Request, p Product, name string, err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, core.ErrUserNotFound) {
		writeError(w, r, p, errNotFound(fmt.Sprintf("user %q not found", name)))
	} else {
		writeError(w, r, p, fromCore(err))
	}
	return true
}

// request authenticates a request about the MFA of a user and reads its
// JSON body into body (emptyOK: an empty body is fine).
func (m userMFA) request(e *Emulator, w http.ResponseWriter, r *http.Request, body any, emptyOK bool) (string, bool) {
	name, ok := m.target(e, w, r)
	if !ok {
		return "", false
	}
	if aerr := readJSON(r, body, emptyOK); aerr != nil {
		writeError(w, r, m.product, aerr)
		return "", false
	}
	return name, true
}

func (m userMFA) enable(e *Emulator) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Recreate json.RawMessage `json:"recreate"`
		}
		name, ok := m.request(e, w, r, &body, true)
		if !ok {
			return
		}
		recreate, ok := flexBool(body.Recreate)
		if !ok {
			writeError(w, r, m.product, errBadRequest(`recreate must be true or false`))
			return
		}
		host := hostName(r)
		en, err := e.st.EnableMFA(m.product, name, host, recreate)
		if userError(w, r, m.product, name, err) {
			return
		}
		qr := fmt.Sprintf("otpauth://totp/%s&40%s?secret=%s&issuer=%s",
			url.PathEscape(en.UserName), url.PathEscape(host), en.Secret, url.QueryEscape(host))
		setup := MFASetup{QRString: qr, SecretKey: en.Secret, ScratchCodes: en.ScratchCodes, Token: en.Token}
		writeJSON(w, http.StatusOK, m.enabled(en.UserName, setup))
	}
}

func (m userMFA) accept(e *Emulator) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Code  json.RawMessage `json:"code"`
			Token string          `json:"token"`
		}
		name, ok := m.request(e, w, r, &body, false)
		if !ok {
			return
		}
		code, ok := flexString(body.Code)
		if !ok || code == "" || body.Token == "" {
			writeError(w, r, m.product, errBadRequest("code and token are required"))
			return
		}
		if userError(w, r, m.product, name, e.st.AcceptMFA(m.product, name, body.Token, code, e.clock.Now())) {
			return
		}
		w.WriteHeader(m.accepted)
	}
}

func (m userMFA) disable(e *Emulator) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name, ok := m.target(e, w, r)
		if !ok {
			return
		}
		drain(r)
		if userError(w, r, m.product, name, e.st.DisableMFA(m.product, name)) {
			return
		}
		w.WriteHeader(m.disabled(r))
	}
}

// routes registers the three verbs under users (".../users/{id}").
func (m userMFA) routes(e *Emulator, rt *router, users string) {
	rt.handle("POST", users+"/enableMfa", m.enable(e))
	rt.handle("POST", users+"/acceptMfa", m.accept(e))
	rt.handle("POST", users+"/disableMfa", m.disable(e))
}
