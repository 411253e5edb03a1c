package site

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestServingCountsAllButSignIns(t *testing.T) {
	var s Serving
	if s.Busy() {
		t.Fatal("a new Serving is busy")
	}
	var during bool
	h := s.count(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { during = s.Busy() }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/login", nil))
	if during || s.Busy() {
		t.Error("a sign-in counts as other work")
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil))
	if !during {
		t.Error("not busy while serving GET /")
	}
	time.Sleep(quiet + 50*time.Millisecond)
	if s.Busy() {
		t.Errorf("still busy %v after the last request", quiet+50*time.Millisecond)
	}
}
