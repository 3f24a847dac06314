package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// pageResult is what a test page posts when it is done.
type pageResult struct {
	Steps []step   `json:"steps"`
	Logs  []string `json:"logs"`
	Fatal string   `json:"fatal"`
}

// step is one checked action of a test page.
type step struct {
	Name  string          `json:"name"`
	OK    bool            `json:"ok"`
	Value json.RawMessage `json:"value"`
	Error *cifError       `json:"error"`
}

// cifError is a rejected CIF promise's value as the page saw it.
type cifError struct {
	Message   string `json:"message"`
	MsdynName string `json:"msdyn_name"`
	ErrorCode int    `json:"errorCode"`
}

// step returns the named step, failing the test if the page did not get
// that far.
func (r pageResult) step(t *testing.T, name string) step {
	t.Helper()
	for _, s := range r.Steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("the page recorded no step %q; it recorded %d steps", name, len(r.Steps))
	return step{}
}

// value decodes a successful step's value.
func (s step) value(t *testing.T, into any) {
	t.Helper()
	require.Truef(t, s.OK, "step %q failed: %+v", s.Name, s.Error)
	require.NoError(t, json.Unmarshal(s.Value, into))
}

// failure returns a failed step's error.
func (s step) failure(t *testing.T) cifError {
	t.Helper()
	require.Falsef(t, s.OK, "step %q succeeded with %s, but it must fail", s.Name, s.Value)
	require.NotNil(t, s.Error)
	return *s.Error
}

// servePages serves testdata on 127.0.0.1 and collects what pages post to
// /result.
func servePages(t testing.TB) (*httptest.Server, <-chan pageResult) {
	results := make(chan pageResult, 8)
	mux := http.NewServeMux()
	mux.Handle("GET /", http.FileServer(http.Dir("testdata")))
	mux.HandleFunc("POST /result", func(w http.ResponseWriter, r *http.Request) {
		var res pageResult
		body, err := io.ReadAll(r.Body)
		if err == nil {
			err = json.Unmarshal(body, &res)
		}
		if err != nil {
			res.Fatal = "the page posted an unreadable result: " + err.Error()
		}
		results <- res
		w.WriteHeader(http.StatusNoContent)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, results
}

// pageTimeout bounds a whole test page, browser start-up included.
const pageTimeout = 90 * time.Second

// runPage opens a test page in a fresh browser with the extension and the
// host, and returns what the page reported.
func runPage(t *testing.T, b browserKind, w *world, page string) pageResult {
	t.Helper()
	srv, results := servePages(t)
	r := start(t, w, b.launch(t, w, srv.URL+"/"+page))
	return awaitResult(t, b, r, results, page)
}

// awaitResult waits, with a bound, for a page's posted result.
func awaitResult(t *testing.T, b browserKind, r *running, results <-chan pageResult, page string) pageResult {
	t.Helper()
	w := r.w
	select {
	case <-r.done:
		t.Fatalf("%s exited before %s reported\nbrowser output:\n%s\nhost log:\n%s", b.name, page, w.browserLog(), w.hostLog())
	case res := <-results:
		if res.Fatal != "" {
			t.Fatalf("%s: %s\nhost log:\n%s", b.name, res.Fatal, w.hostLog())
		}
		return res
	case <-time.After(pageTimeout):
		t.Fatalf("%s: %s reported nothing within %v\nbrowser output:\n%s\nhost log:\n%s", b.name, page, pageTimeout, w.browserLog(), w.hostLog())
	}
	return pageResult{}
}
