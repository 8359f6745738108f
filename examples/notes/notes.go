package main

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

type note struct {
	ID      int       `json:"id"`
	Text    string    `json:"text"`
	Created time.Time `json:"created"`
}

type store struct {
	mu    sync.Mutex
	notes []note
}

func newStore() *store { return &store{} }

func (s *store) add(text string) note {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := note{ID: len(s.notes) + 1, Text: text, Created: time.Now().UTC()}
	s.notes = append(s.notes, n)
	return n
}

func (s *store) list() []note {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]note(nil), s.notes...)
}

// notesHandler lists notes (GET, with ?tz=Europe/Madrid to show local times) and adds one (POST {"text": "..."}).
func notesHandler(s *store) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			notes := s.list()
			if tz := r.URL.Query().Get("tz"); tz != "" {
				loc, err := time.LoadLocation(tz)
				if err != nil {
					writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
					return
				}
				for i := range notes {
					notes[i].Created = notes[i].Created.In(loc)
				}
			}
			writeJSON(w, http.StatusOK, notes)
		case http.MethodPost:
			var body struct {
				Text string `json:"text"`
			}
			if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&body); err != nil || body.Text == "" {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": `send {"text": "..."}`})
				return
			}
			writeJSON(w, http.StatusCreated, s.add(body.Text))
		default:
			w.Header().Set("Allow", "GET, POST")
			writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use GET or POST"})
		}
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
