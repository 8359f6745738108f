package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAddAndListInZone(t *testing.T) {
	h := notesHandler(newStore())
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/notes", strings.NewReader(`{"text":"hello"}`)))
	if rec.Code != http.StatusCreated {
		t.Fatalf("POST: got %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/notes?tz=Europe/Madrid", nil))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "hello") {
		t.Fatalf("GET: got %d %s", rec.Code, rec.Body.String())
	}
}
