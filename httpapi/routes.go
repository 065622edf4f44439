package httpapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

// routes lists the whole API. Admin routes need an admin key; customer
// routes a customer key and see only that customer's grants.
func (s *Server) routes() {
	admin := func(h handlerFunc) http.HandlerFunc { return s.authed(pursuit.RoleAdmin, h) }
	customer := func(h handlerFunc) http.HandlerFunc { return s.authed(pursuit.RoleCustomer, h) }

	// Operations: health, readiness and the API document need no key;
	// metrics need an admin key (or a listener of their own, see
	// MetricsHandler).
	s.handle("GET /healthz", s.public(s.handleHealthz))
	s.handle("GET /readyz", s.public(s.handleReadyz))
	s.handle("GET /metrics", admin(s.handleMetrics))
	s.handle("GET /v1/openapi.json", s.public(s.handleOpenAPI))

	// Admin: customers.
	s.handle("GET /v1/admin/customers", admin(s.handleListCustomers))
	s.handle("POST /v1/admin/customers", admin(s.handleCreateCustomer))
	s.handle("GET /v1/admin/customers/{customer_id}", admin(s.handleGetCustomer))
	s.handle("PATCH /v1/admin/customers/{customer_id}", admin(s.handleUpdateCustomer))
	s.handle("DELETE /v1/admin/customers/{customer_id}", admin(s.handleDeleteCustomer))

	// Admin: grants.
	s.handle("GET /v1/admin/customers/{customer_id}/place-grants", admin(s.handleListPlaceGrants))
	s.handle("PUT /v1/admin/customers/{customer_id}/place-grants/{place_id}", admin(s.handlePutPlaceGrant))
	s.handle("DELETE /v1/admin/customers/{customer_id}/place-grants/{place_id}", admin(s.handleDeletePlaceGrant))
	s.handle("GET /v1/admin/customers/{customer_id}/contact-grants", admin(s.handleListContactGrants))
	s.handle("PUT /v1/admin/customers/{customer_id}/contact-grants/{contact_id}", admin(s.handlePutContactGrant))
	s.handle("DELETE /v1/admin/customers/{customer_id}/contact-grants/{contact_id}", admin(s.handleDeleteContactGrant))
	s.handle("POST /v1/admin/customers/{customer_id}/grants/bulk", admin(s.handleBulkGrants))
	s.handle("POST /v1/admin/customers/{customer_id}/grants/by-filter", admin(s.handleGrantByFilter))

	// Admin: CRM mappings.
	s.handle("GET /v1/admin/customers/{customer_id}/mappings", admin(s.handleListMappings))
	s.handle("POST /v1/admin/customers/{customer_id}/mappings/bulk", admin(s.handleBulkMappings))
	s.handle("DELETE /v1/admin/mappings/{customer_mapping_id}", admin(s.handleDeleteMapping))

	// Admin: CRM account matching, coverage and export (docs/crm.md).
	s.handle("POST /v1/admin/customers/{customer_id}/crm/match", admin(s.handleAdminCRMMatch))
	s.handle("GET /v1/admin/customers/{customer_id}/crm/jobs/{job_id}", admin(s.handleAdminCRMJob))
	s.handle("GET /v1/admin/customers/{customer_id}/crm/jobs/{job_id}/result", admin(s.handleAdminCRMJobResult))
	s.handle("GET /v1/admin/customers/{customer_id}/crm/coverage", admin(s.handleAdminCRMCoverage))
	s.handle("GET /v1/admin/customers/{customer_id}/crm/export", admin(s.handleAdminCRMExport))

	// Admin: places, contacts, tech stack.
	s.handle("GET /v1/admin/places", admin(s.handleListPlaces))
	s.handle("POST /v1/admin/places", admin(s.handleCreatePlace))
	s.handle("GET /v1/admin/places/{place_id}", admin(s.handleGetPlace))
	s.handle("PUT /v1/admin/places/{place_id}", admin(s.handleUpdatePlace))
	s.handle("DELETE /v1/admin/places/{place_id}", admin(s.handleDeletePlace))
	s.handle("GET /v1/admin/contacts", admin(s.handleListContacts))
	s.handle("POST /v1/admin/contacts", admin(s.handleCreateContact))
	s.handle("GET /v1/admin/contacts/{contact_id}", admin(s.handleGetContact))
	s.handle("PUT /v1/admin/contacts/{contact_id}", admin(s.handleUpdateContact))
	s.handle("DELETE /v1/admin/contacts/{contact_id}", admin(s.handleDeleteContact))
	s.handle("GET /v1/admin/tech-stack", admin(s.handleListTechStack))
	s.handle("POST /v1/admin/tech-stack", admin(s.handleCreateTechStack))
	s.handle("GET /v1/admin/tech-stack/{tech_stack_id}", admin(s.handleGetTechStack))
	s.handle("PUT /v1/admin/tech-stack/{tech_stack_id}", admin(s.handleUpdateTechStack))
	s.handle("DELETE /v1/admin/tech-stack/{tech_stack_id}", admin(s.handleDeleteTechStack))

	// Admin: API keys.
	s.handle("GET /v1/admin/api-keys", admin(s.handleListAPIKeys))
	s.handle("POST /v1/admin/api-keys", admin(s.handleCreateAPIKey))
	s.handle("DELETE /v1/admin/api-keys/{api_key_id}", admin(s.handleRevokeAPIKey))

	// Customer: search and read within the customer's grants.
	s.handle("GET /v1/contacts/search", customer(s.handleSearchContacts))
	s.handle("GET /v1/contacts/{contact_id}", customer(s.handleCustomerContact))
	s.handle("POST /v1/contacts/{contact_id}/reveal", customer(s.handleReveal))
	s.handle("GET /v1/places/search", customer(s.handleSearchPlaces))
	s.handle("GET /v1/places/{place_id}", customer(s.handleCustomerPlace))
	s.handle("GET /v1/mappings/{external_crm_id}", customer(s.handleLookupMapping))
	s.handle("GET /v1/accounts", customer(s.handleMyAccounts))
	s.handle("GET /v1/me", customer(s.handleMe))

	// Customer: the change feed and webhooks (docs/feed.md).
	s.handle("GET /v1/changes", customer(s.handleChanges))
	s.handle("GET /v1/webhooks/endpoints", customer(s.handleListEndpoints))
	s.handle("POST /v1/webhooks/endpoints", customer(s.handleCreateEndpoint))
	s.handle("GET /v1/webhooks/endpoints/{endpoint_id}", customer(s.handleGetEndpoint))
	s.handle("PATCH /v1/webhooks/endpoints/{endpoint_id}", customer(s.handleUpdateEndpoint))
	s.handle("DELETE /v1/webhooks/endpoints/{endpoint_id}", customer(s.handleDeleteEndpoint))
	s.handle("POST /v1/webhooks/endpoints/{endpoint_id}/rotate", customer(s.handleRotateEndpoint))
	s.handle("GET /v1/webhooks/endpoints/{endpoint_id}/deliveries", customer(s.handleListDeliveries))
	s.handle("POST /v1/webhooks/deliveries/{delivery_id}/redeliver", customer(s.handleRedeliver))
	// Customer: its own CRM account matching, coverage and exports.
	s.handle("POST /v1/crm/match", customer(s.handleCRMMatch))
	s.handle("GET /v1/crm/jobs/{job_id}", customer(s.handleCRMJob))
	s.handle("GET /v1/crm/jobs/{job_id}/result", customer(s.handleCRMJobResult))
	s.handle("GET /v1/crm/coverage", customer(s.handleCRMCoverage))
	s.handle("GET /v1/crm/export/accounts", customer(s.handleCRMExportAccounts))
	s.handle("GET /v1/crm/export/search", customer(s.handleCRMExportSearch))
	s.handle("GET /v1/crm/export/list", customer(s.handleCRMExportList))

	// Customer: saved searches (the search as a query string of
	// /v1/contacts/search, checked by its parser).
	s.handle("GET /v1/saved-searches", customer(s.handleListSavedSearches))
	s.handle("POST /v1/saved-searches", customer(s.handleCreateSavedSearch))
	s.handle("GET /v1/saved-searches/{saved_search_id}", customer(s.handleGetSavedSearch))
	s.handle("PATCH /v1/saved-searches/{saved_search_id}", customer(s.handleUpdateSavedSearch))
	s.handle("DELETE /v1/saved-searches/{saved_search_id}", customer(s.handleDeleteSavedSearch))
	s.handle("GET /v1/saved-searches/{saved_search_id}/results", customer(s.handleSavedSearchResults))

	// Anything else is a JSON 405 when the path exists with other methods,
	// and a JSON 404 otherwise.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := s.allowed(r); len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeJSON(w, http.StatusMethodNotAllowed, ErrorBody{Error: ErrorDetail{
				Code: pursuit.EINVALID, Field: "method",
				Message: fmt.Sprintf("%s is not allowed on %s; allowed: %s", r.Method, r.URL.Path, strings.Join(allow, ", ")),
			}})
			return
		}
		s.writeError(w, r, pursuit.Errorf(pursuit.ENOTFOUND, "no route %s %s; see /v1/openapi.json", r.Method, r.URL.Path))
	})
}

// allowed returns the methods that have a route for the request's path.
func (s *Server) allowed(r *http.Request) []string {
	var out []string
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
		if m == r.Method {
			continue
		}
		r2 := r.Clone(r.Context())
		r2.Method = m
		if _, pattern := s.mux.Handler(r2); pattern != "" && pattern != "/" {
			out = append(out, m)
		}
	}
	return out
}

// handle registers a route and remembers its pattern for the OpenAPI
// check. Every route refuses a URL query it cannot parse and a parameter
// openapi.json does not document for it.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.patterns = append(s.patterns, pattern)
	s.mux.HandleFunc(pattern, s.checkQuery(pattern, h))
}

// Patterns returns every route pattern, in registration order.
func (s *Server) Patterns() []string { return append([]string(nil), s.patterns...) }
