package provider

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"testing"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/emulatortest"
)

// lostAnswer is how a lostAnswerProxy loses the answer to the call it targets, after the
// emulator has carried it out.
type lostAnswer string

const (
	answerCut        lostAnswer = "connection cut" // the connection closes with no answer
	answerBadGateway lostAnswer = "502"            // a gateway answers 502 Bad Gateway
	answerTimeout    lostAnswer = "504"            // a gateway answers 504 Gateway Timeout
)

// lostAnswerProxy forwards everything to one emulated product and, once armed, lets the
// emulator act on the next request for exactly one method and path, then loses its answer.
type lostAnswerProxy struct {
	URL string

	mu     sync.Mutex
	method string
	path   string
	how    lostAnswer
	lost   int // answers lost so far
}

// loseAnswer is the error that tells the proxy's error handler how to lose an answer.
type loseAnswer struct{ how lostAnswer }

func (l loseAnswer) Error() string { return "answer lost on purpose: " + string(l.how) }

// startLostAnswerProxy serves a proxy to srv's product p over TLS with the test certificate,
// so the same ca_cert_pem trusts it.
func startLostAnswerProxy(t *testing.T, srv *emulatortest.Servers, p emulator.Product) *lostAnswerProxy {
	t.Helper()
	target, err := url.Parse(srv.URL[p])
	if err != nil {
		t.Fatal(err)
	}
	lp := &lostAnswerProxy{}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.Transport = srv.HTTPClient().Transport
	rp.ModifyResponse = func(resp *http.Response) error {
		if how, ok := lp.take(resp.Request); ok {
			return loseAnswer{how}
		}
		return nil
	}
	rp.ErrorHandler = func(w http.ResponseWriter, r *http.Request, err error) {
		var lose loseAnswer
		switch {
		case !errors.As(err, &lose):
			w.WriteHeader(http.StatusBadGateway)
		case lose.how == answerCut:
			panic(http.ErrAbortHandler) // net/http closes the connection without an answer
		case lose.how == answerTimeout:
			w.WriteHeader(http.StatusGatewayTimeout)
		default:
			w.WriteHeader(http.StatusBadGateway)
		}
	}
	s := httptest.NewUnstartedServer(rp)
	s.StartTLS()
	t.Cleanup(s.Close)
	lp.URL = s.URL
	return lp
}

// arm makes the proxy lose the answer to the next method request for path (as the emulator
// sees it, unescaped).
func (lp *lostAnswerProxy) arm(method, path string, how lostAnswer) {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	lp.method, lp.path, lp.how = method, path, how
}

// take reports whether the answer to r is the armed one (and how to lose it), disarming the
// proxy.
func (lp *lostAnswerProxy) take(r *http.Request) (lostAnswer, bool) {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	if lp.method == "" || r.Method != lp.method || r.URL.Path != lp.path {
		return "", false
	}
	lp.method = ""
	lp.lost++
	return lp.how, true
}

// lostCount is how many answers the proxy has lost.
func (lp *lostAnswerProxy) lostCount() int {
	lp.mu.Lock()
	defer lp.mu.Unlock()
	return lp.lost
}
