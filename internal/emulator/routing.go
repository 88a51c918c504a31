package emulator

// Routing: which wire file serves which product, the router that answers
// 405 in the product's format, and small request helpers.

import (
	"net/http"
	"slices"
	"strings"
)

// productWire is what the emulator knows of one product outside the core,
// written in the product's wire file: its routes (token endpoint, logout,
// resources, registered on the product's mux), its error body and its
// documented lifetimes, and which account flags it knows. Adding a product
// is one wire file that defines its productWire, an entry in wires and one
// in namesAndPorts.
//
// Which revisions a product accepts is its build's (builds.go); a wire's
// routes ask the request's revision (revisionAtLeast) where endpoints or
// shapes differ between revisions.
type productWire struct {
	routes func(e *Emulator, mux *http.ServeMux)
	// errorBody writes err as the product's error answer.
	errorBody func(w http.ResponseWriter, r *http.Request, err *apiError)
	// sessionIDs: the product's sessions are session ids, not bearer tokens
	// (Enterprise Manager); otherwise a refused token is answered with an
	// RFC 6750 challenge.
	sessionIDs bool
	lifetimes  Lifetimes // the documented defaults (DefaultLifetimes)
	// accountFlags are the SeedUser flags the product's accounts may carry
	// (JSON names: mfaSecret, identityProvider, serviceAccount, client, tenant).
	accountFlags []string
	// versionRefusal is the answer to a request whose revision (x-api-version)
	// is missing ("") or not one the build accepts (supported).
	versionRefusal func(got string, supported []string) *apiError
}

// ListenerDefault is product p's default listener port in veeam-emulator
// and a sentence naming the product and the port's source.
func ListenerDefault(p Product) (port int, doc string) {
	return namesAndPorts[p].port, namesAndPorts[p].portDoc
}

// namesAndPorts are what the emulator says of each product outside its wire:
// the name messages call it by, and veeam-emulator's default port for its
// listener with the sentence that names the product and says where the port
// comes from (one table, so that the ports can be seen not to collide).
var namesAndPorts = map[Product]struct {
	name    string
	port    int
	portDoc string
}{
	AWS:   {"Backup for AWS (aws)", 11005, "Veeam Backup for AWS (its documented port is 11005)"},
	VBR:   {"Backup & Replication (vbr)", 9419, "Veeam Backup & Replication (documented port 9419)"},
	VRO:   {"Recovery Orchestrator (vro)", 9898, "Veeam Recovery Orchestrator (documented port 9898)"},
	VAO:   {"Availability Orchestrator (vao)", 9899, "Veeam Availability Orchestrator (no documented port: 9899, beside the Recovery Orchestrator's 9898)"},
	EM:    {"Enterprise Manager (em)", 9398, "Veeam Backup Enterprise Manager (documented port 9398)"},
	M365:  {"Backup for Microsoft 365 (m365)", 4443, "Veeam Backup for Microsoft 365 (documented port 4443)"},
	ONE:   {"Veeam ONE (one)", 1239, "Veeam ONE (documented port 1239)"},
	SPC:   {"Service Provider Console (spc)", 1280, "Veeam Service Provider Console (documented default port 1280)"},
	AZURE: {"Backup for Microsoft Azure (azure)", 11443, "Veeam Backup for Microsoft Azure (documented port 443, which needs privileges: 11443 by default)"},
	GCP:   {"Backup for Google Cloud (gcp)", 13140, "Veeam Backup for Google Cloud (documented port 13140)"},
}

// wires are the products' wire files. It is filled by init, not by its
// declaration: the wires' handlers refer back to it (writeError).
var wires map[Product]productWire

func init() {
	wires = map[Product]productWire{AWS: awsWire, VBR: vbrWire, VRO: vroWire, VAO: vaoWire, EM: emWire,
		M365: m365Wire, ONE: oneWire, SPC: spcWire, AZURE: azureWire, GCP: gcpWire}
}

// routes builds the product's mux: the control API when enabled and the
// product's wire (a product without one answers 501 on every path).
func (e *Emulator) routes(p Product) *http.ServeMux {
	mux := http.NewServeMux()
	if e.opts.Control {
		e.controlRoutes(mux)
		e.infoRoute(mux)
	}
	if w, ok := wires[p]; ok && w.routes != nil {
		w.routes(e, mux)
		return mux
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, p, &apiError{Status: http.StatusNotImplemented, Code: CodeNotImplemented, Detail: "the " + string(p) + " emulator is not implemented yet"})
	})
	return mux
}

// notFound answers a path no route of p has.
func notFound(p Product) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, p, errNotFound("no resource at "+r.URL.Path))
	}
}

// router registers "METHOD PATH" routes and, for each path, a method-less
// fallback that answers 405 in the product's format with an Allow header.
type router struct {
	mux   *http.ServeMux
	p     Product
	wrap  func(http.HandlerFunc) http.HandlerFunc
	allow map[string][]string
	order []string
}

func newRouter(mux *http.ServeMux, p Product, wrap func(http.HandlerFunc) http.HandlerFunc) *router {
	if wrap == nil {
		wrap = func(h http.HandlerFunc) http.HandlerFunc { return h }
	}
	return &router{mux: mux, p: p, wrap: wrap, allow: map[string][]string{}}
}

func (rt *router) handle(method, path string, h http.HandlerFunc) {
	rt.mux.HandleFunc(method+" "+path, rt.wrap(h))
	if _, ok := rt.allow[path]; !ok {
		rt.order = append(rt.order, path)
	}
	rt.allow[path] = append(rt.allow[path], method)
}

// finish registers the 405 fallbacks.
func (rt *router) finish() {
	for _, path := range rt.order {
		allow := strings.Join(rt.allow[path], ", ")
		rt.mux.HandleFunc(path, rt.wrap(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeError(w, r, rt.p, &apiError{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed, Detail: "method " + r.Method + " is not allowed here; allowed: " + allow})
		}))
	}
}

// bearerToken returns the token of an "Authorization: Bearer …" header, or "".
func bearerToken(r *http.Request) string {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

// requestBase returns "scheme://host" of the request as the client sent it.
func requestBase(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	host := r.Host
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host
}

// versioned wraps h with the x-api-version check of product p (AWS and
// VBR require the header on every request): a missing or unaccepted
// revision is answered with the wire's versionRefusal; an accepted one is
// recorded for the handlers (revision, revisionAtLeast).
func (e *Emulator) versioned(p Product, h http.HandlerFunc) http.HandlerFunc {
	accepted := e.Revisions(p)
	refuse := wires[p].versionRefusal
	return func(w http.ResponseWriter, r *http.Request) {
		v := strings.TrimSpace(r.Header.Get("x-api-version"))
		if !slices.Contains(accepted, v) {
			writeError(w, r, p, refuse(v, slices.Clone(accepted)))
			return
		}
		infoOf(r).revision = v
		h(w, r)
	}
}
