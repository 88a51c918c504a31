package emulator

// The middleware every product's mux runs behind: panic recovery, fault
// injection, counting, state saving and the request log.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"
)

type ctxKey struct{}

// reqInfo carries what handlers learn about a request to the middleware
// (for counters and the request log).
type reqInfo struct {
	grant string // token endpoints: the normalised grant
	user  string // authenticated principal or login name
	// revision is the API revision the request speaks, once checked.
	revision string
}

func infoOf(r *http.Request) *reqInfo {
	if i, ok := r.Context().Value(ctxKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{}
}

// statusWriter records the status and size of a response. before, when
// set, runs once just before the status line is written (state saving: a
// change is durable before the client sees it acknowledged).
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
	before func()
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
		if w.before != nil {
			w.before()
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// middleware wraps a product's mux with panic recovery, fault injection,
// counting, state saving and the request log.
func (e *Emulator) middleware(p Product, mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &reqInfo{}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, info))
		control := strings.HasPrefix(r.URL.Path, "/emulator/")
		dropped, counted := false, false
		sw := &statusWriter{ResponseWriter: w}
		// Count and save just before the status line goes out, so a client that has its
		// answer also sees it in the counters and the state file.
		sw.before = func() {
			if !control {
				e.st.CountRequest(p, counterKey(r, info), sw.status, false)
				counted = true
			}
			e.persistBeforeAnswer()
		}
		defer func() {
			rec := recover()
			if rec != nil && rec != http.ErrAbortHandler {
				e.log.Error("handler panic", "product", string(p), "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(rec))
				if sw.status == 0 {
					writeError(sw, r, p, &apiError{Status: http.StatusInternalServerError, Code: CodeUnknownError, Detail: "internal emulator error"})
				}
			}
			if rec == http.ErrAbortHandler {
				dropped = true
			}
			if !control && !counted {
				e.st.CountRequest(p, counterKey(r, info), sw.status, dropped)
			}
			if err := e.persistIfDirty(); err != nil {
				e.log.Error("saving state", "error", err.Error())
			}
			e.logRequest(p, r, info, sw, time.Since(start), dropped)
			if dropped {
				panic(http.ErrAbortHandler)
			}
		}()
		if r.Body != nil {
			r.Body = &limitedBody{rc: r.Body, left: maxBody}
		}
		if !control {
			f := e.opts.Faults
			if f.Latency > 0 {
				t := time.NewTimer(f.Latency)
				select {
				case <-t.C:
				case <-r.Context().Done():
					t.Stop()
				}
			}
			if f.DropRate > 0 && rand.Float64() < f.DropRate {
				panic(http.ErrAbortHandler)
			}
			if f.ServiceUnavailableRate > 0 && rand.Float64() < f.ServiceUnavailableRate {
				sw.Header().Set("Retry-After", "1")
				writeError(sw, r, p, &apiError{Status: http.StatusServiceUnavailable, Code: CodeServiceUnavailable, Detail: "the service is temporarily unavailable (injected fault)"})
				return
			}
		}
		mux.ServeHTTP(sw, r)
	})
}

// counterKey is the Counters.Endpoints key of a finished request.
func counterKey(r *http.Request, info *reqInfo) string {
	pat := r.Pattern
	if pat == "" || pat == "/" {
		return r.Method + " (unmatched)"
	}
	if i := strings.IndexByte(pat, ' '); i < 0 || strings.ContainsRune(pat[:i], '/') {
		pat = r.Method + " " + pat
	}
	if info.grant != "" {
		pat += " grant=" + info.grant
	}
	return pat
}
