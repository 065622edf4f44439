package httpapi

// DocumentedQueryParams exposes the query parameters openapi.json
// documents per route to the package's external tests.
var DocumentedQueryParams = documentedQueryParams
