package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"github.com/pursuit-gov/pursuit"
)

// statusOf maps every pursuit error code to its HTTP status, in one place.
var statusOf = map[string]int{
	pursuit.EINVALID:      http.StatusBadRequest,
	pursuit.ENOTFOUND:     http.StatusNotFound,
	pursuit.ECONFLICT:     http.StatusConflict,
	pursuit.EFOREIGNKEY:   http.StatusConflict,
	pursuit.EUNAUTHORIZED: http.StatusUnauthorized,
	pursuit.EFORBIDDEN:    http.StatusForbidden,
	pursuit.ERATELIMIT:    http.StatusTooManyRequests,
	pursuit.EPAYMENT:      http.StatusPaymentRequired,
	pursuit.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	pursuit.ESCHEMA:       http.StatusServiceUnavailable,
	pursuit.EUNAVAILABLE:  http.StatusServiceUnavailable,
	pursuit.ECANCELED:     499, // nginx's "client closed request"; the client never sees it
	pursuit.ENOTIMPL:      http.StatusNotImplemented,
	pursuit.EINTERNAL:     http.StatusInternalServerError,
}

// HTTPStatus returns the HTTP status of an error's code.
func HTTPStatus(err error) int {
	if s, ok := statusOf[pursuit.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// ErrorBody is the JSON body of every error response.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail is the stable code, the user-safe message and the field or
// parameter at fault.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// retryAfter is an error that asks the client to come back after Seconds.
type retryAfter struct {
	err     *pursuit.Error
	Seconds int
}

func (e *retryAfter) Error() string { return e.err.Error() }

// handlerFunc is a handler that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// writeError writes err as a JSON error response and logs it when it is
// the server's fault. The cause of an internal error (a database message,
// a stack of wrapped errors) is logged, never sent.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		if r.Context().Err() != nil && pursuit.ErrorCode(err) == pursuit.EINTERNAL {
			err = &pursuit.Error{Code: pursuit.ECANCELED, Message: "the request was canceled or timed out", Err: err}
		}
	}
	status := HTTPStatus(err)
	code := pursuit.ErrorCode(err)
	body := ErrorBody{Error: ErrorDetail{Code: code, Field: pursuit.ErrorField(err)}}
	var pe *pursuit.Error
	if errors.As(err, &pe) && code != pursuit.EINTERNAL {
		body.Error.Message = pe.Message
	} else {
		body.Error.Message = "internal error"
		body.Error.Field = ""
	}
	var ra *retryAfter
	if errors.As(err, &ra) {
		w.Header().Set("Retry-After", strconv.Itoa(ra.Seconds))
	}
	if status >= 500 {
		var id string
		if info, _ := r.Context().Value(infoKey).(*reqInfo); info != nil {
			id = info.requestID
		}
		// Only the server's faults are errors. A 503 while the index is
		// being built is how start-up looks (info); other 503s (a busy
		// or unreachable store) are warnings.
		level := slog.LevelError
		if code == pursuit.EUNAVAILABLE {
			level = slog.LevelWarn
			if s.index.Load() == nil {
				level = slog.LevelInfo
			}
		}
		s.log.LogAttrs(r.Context(), level, "request failed",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("request_id", id),
			slog.Int("status", status), slog.String("error", err.Error()))
	}
	writeJSON(w, status, body)
}

// bufPool recycles response buffers.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON writes v as the JSON response body with the status. The body
// is encoded into a buffer first, so that it goes out with a
// Content-Length in as few writes as possible, and so that an encoding
// failure becomes a clean 500 rather than a truncated 200.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := bufPool.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= 1<<20 {
			bufPool.Put(buf)
		}
	}()
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		buf.Reset()
		status = http.StatusInternalServerError
		fmt.Fprintf(buf, `{"error":{"code":%q,"message":"internal error"}}`+"\n", pursuit.EINTERNAL)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func (e *retryAfter) Unwrap() error { return e.err }
