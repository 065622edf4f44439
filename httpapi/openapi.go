package httpapi

import (
	_ "embed"
	"net/http"
)

// openAPI is the OpenAPI 3 document of the API, kept in the repository
// and served at /v1/openapi.json. TestOpenAPIMatchesRoutes checks that it
// documents every route and no route that does not exist.
//
//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the OpenAPI 3 document.
func OpenAPI() []byte { return openAPI }

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(openAPI)
	return err
}
