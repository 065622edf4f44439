package pursuit

import (
	"errors"
	"fmt"
)

// Error codes. They are stable: the HTTP API sends them to clients, and
// callers match them with ErrorCode.
const (
	ECONFLICT     = "conflict"      // a unique key is already taken
	EFOREIGNKEY   = "foreign_key"   // a referenced row does not exist, or is still referenced
	EINTERNAL     = "internal"      // a bug or an unexpected failure
	EINVALID      = "invalid"       // bad input; Field names what is wrong
	ENOTFOUND     = "not_found"     // no such row, or not visible to the caller
	EUNAUTHORIZED = "unauthorized"  // no or bad credentials
	EFORBIDDEN    = "forbidden"     // credentials lack the role
	ERATELIMIT    = "rate_limited"  // too many requests
	EPAYMENT      = "no_credits"    // the customer has no reveal credits left
	ETOOLARGE     = "too_large"     // a request or field is over its limit
	ESCHEMA       = "schema_newer"  // the database was migrated by a newer binary
	EUNAVAILABLE  = "not_ready"     // the service is starting or shutting down
	ECANCELED     = "canceled"      // the caller gave up
	ENOTIMPL      = "not_supported" // the operation is not supported by this store
)

// Error is the error type of the domain. Message is safe to show a user;
// Field names the input field, column or parameter at fault, if any; Err is
// the underlying cause, for logs only.
type Error struct {
	Code    string
	Field   string
	Message string
	Err     error
}

// Error returns the message, prefixed with the field when there is one.
func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil && e.Code == EINTERNAL {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an *Error with the code, the field at fault and a
// formatted message.
func FieldErrorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorField returns the field of the first *Error in err's chain.
func ErrorField(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Field
	}
	return ""
}

// ErrorMessage returns the user-safe message of the first *Error in err's
// chain, or "internal error" for any other error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		if e.Field != "" {
			return e.Field + ": " + e.Message
		}
		return e.Message
	}
	return "internal error"
}

// RowError is the error of one row of a write of many rows: Row is the
// row's index in the rows given. Its code, field and message are Err's.
type RowError struct {
	Row int
	Err error
}

func (e *RowError) Error() string { return fmt.Sprintf("row %d: %v", e.Row, e.Err) }

func (e *RowError) Unwrap() error { return e.Err }
