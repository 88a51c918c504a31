package emulator

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// controlRoutes serves the /emulator/ control API (Options.Control):
//
//	GET  /emulator/clock                      → {"now"}
//	POST /emulator/clock/advance?seconds=N    → {"now"} (N may be fractional or negative)
//	GET  /emulator/counters[?product=P]       → {P: Counters, …} or one Counters
//	POST /emulator/reset                      → {"reset": true}
//	POST /emulator/users?product=P  SeedUser  → 201 UserState
//	GET  /emulator/users/{product}/{name}     → UserState (includes the MFA secret)
//	GET  /emulator/totp?product=P&user=NAME   → {"code"} (current TOTP of the user's secret)
//	GET  /emulator/totp?secret=BASE32         → {"code"}
//	GET  /emulator/sessions?product=P         → {"count", "users"} (open sessions of P)
//	GET  /emulator/sessions?product=all       → {P: count, …} for every product
//
// Errors are {"error": message}. The control API is a test fixture: it is
// not authenticated, never counted and never subject to Faults.
func (e *Emulator) controlRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /emulator/clock", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"now": e.clock.Now().UTC().Format(time.RFC3339Nano)})
	})
	mux.HandleFunc("POST /emulator/clock/advance", func(w http.ResponseWriter, r *http.Request) {
		secs, err := strconv.ParseFloat(r.URL.Query().Get("seconds"), 64)
		if err != nil || secs != secs || secs > 1e12 || secs < -1e12 {
			controlError(w, http.StatusBadRequest, "seconds must be a number")
			return
		}
		e.clock.Advance(time.Duration(secs * float64(time.Second)))
		writeJSON(w, http.StatusOK, map[string]string{"now": e.clock.Now().UTC().Format(time.RFC3339Nano)})
	})
	mux.HandleFunc("GET /emulator/counters", func(w http.ResponseWriter, r *http.Request) {
		if ps := r.URL.Query().Get("product"); ps != "" {
			p := Product(strings.ToLower(ps))
			if !p.Valid() {
				controlError(w, http.StatusBadRequest, "unknown product")
				return
			}
			writeJSON(w, http.StatusOK, e.Counters(p))
			return
		}
		out := map[Product]Counters{}
		for _, p := range AllProducts() {
			out[p] = e.Counters(p)
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /emulator/reset", func(w http.ResponseWriter, r *http.Request) {
		if err := e.Reset(); err != nil {
			controlError(w, http.StatusInternalServerError, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]bool{"reset": true})
	})
	mux.HandleFunc("POST /emulator/users", func(w http.ResponseWriter, r *http.Request) {
		p := controlProduct(r.URL.Query())
		var u SeedUser
		if err := json.NewDecoder(r.Body).Decode(&u); err != nil {
			controlError(w, http.StatusBadRequest, "body must be a JSON SeedUser")
			return
		}
		if err := e.AddUser(p, u); err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		st, _ := e.User(p, u.Name)
		writeJSON(w, http.StatusCreated, st)
	})
	mux.HandleFunc("GET /emulator/users/{product}/{name}", func(w http.ResponseWriter, r *http.Request) {
		st, ok := e.User(Product(strings.ToLower(r.PathValue("product"))), r.PathValue("name"))
		if !ok {
			controlError(w, http.StatusNotFound, "no such user")
			return
		}
		writeJSON(w, http.StatusOK, st)
	})
	mux.HandleFunc("GET /emulator/totp", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		secret := q.Get("secret")
		if secret == "" {
			p := controlProduct(q)
			st, ok := e.User(p, q.Get("user"))
			if !ok {
				controlError(w, http.StatusNotFound, "no such user")
				return
			}
			secret = st.MFASecret
			if q.Get("pending") == "true" {
				secret = st.PendingMFASecret
			}
			if secret == "" {
				controlError(w, http.StatusBadRequest, "the user has no MFA secret")
				return
			}
		}
		if _, err := core.DecodeSecret(secret); err != nil {
			controlError(w, http.StatusBadRequest, "secret is not base32")
			return
		}
		code, err := TOTPCode(secret, e.clock.Now())
		if err != nil {
			controlError(w, http.StatusBadRequest, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]string{"code": code})
	})
	mux.HandleFunc("GET /emulator/sessions", func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.URL.Query().Get("product"), "all") {
			writeJSON(w, http.StatusOK, e.OpenSessions())
			return
		}
		p := controlProduct(r.URL.Query())
		if !p.Valid() {
			controlError(w, http.StatusBadRequest, "unknown product")
			return
		}
		ss := e.Sessions(p)
		users := make([]string, 0, len(ss))
		for _, s := range ss {
			users = append(users, s.UserName)
		}
		writeJSON(w, http.StatusOK, map[string]any{"count": len(ss), "users": users})
	})
	mux.HandleFunc("/emulator/", func(w http.ResponseWriter, r *http.Request) {
		controlError(w, http.StatusNotFound, "unknown control endpoint or method")
	})
}

// SessionOf returns the id of p's session that the access token raw belongs
// to, while the token works. A test that cuts the answer to a login uses it to
// name the session no client can know (it ends when its tokens expire). For a
// product whose access tokens slide (Enterprise Manager) the look-up counts as
// a use.
func (e *Emulator) SessionOf(p Product, accessToken string) (string, bool) {
	pr, err := e.st.Authenticate(p, accessToken, e.clock.Now())
	if err != nil {
		return "", false
	}
	return pr.SessionID, true
}

// OpenSessions returns how many logon sessions each product holds that still
// have a working token (access or refresh): what a client left open.
func (e *Emulator) OpenSessions() map[Product]int {
	out := map[Product]int{}
	for _, p := range AllProducts() {
		out[p] = len(e.Sessions(p))
	}
	return out
}

func controlError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// controlProduct is the product a control request names (?product=, any
// case); aws when it names none.
func controlProduct(q url.Values) Product {
	if p := Product(strings.ToLower(q.Get("product"))); p != "" {
		return p
	}
	return AWS
}
