package pursuit

import (
	"context"
	"strings"
	"time"
)

// User roles. A member and an admin belong to one customer and see exactly
// what the customer sees; an admin also manages the customer's users and
// API keys. An operator is Pursuit's own staff: it belongs to no customer,
// manages customers, grants and reveal credits, and sees no customer's
// search (docs/web.md).
const (
	UserRoleMember   = "member"
	UserRoleAdmin    = "admin"
	UserRoleOperator = "operator"
)

// TableUsers is the users' table; change_log follows it.
const TableUsers = "users"

// Limits of users and sessions.
const (
	// MaxPasswordHashLen bounds a stored password hash (argon2id or bcrypt
	// in their encoded forms are far shorter).
	MaxPasswordHashLen = 512
	// SessionHashLen is the length of a stored session or sign-in token
	// hash (SHA-256).
	SessionHashLen = 32
)

// User is a person who signs in to the web app. Email is unique without
// regard to case. PasswordHash is empty for a user who signs in only with
// one-time links. A disabled user cannot sign in and has no sessions.
type User struct {
	UserID       int64     `json:"user_id"`
	CustomerID   int64     `json:"customer_id,omitempty"` // 0 for an operator
	Email        string    `json:"email"`
	Role         string    `json:"role"`
	PasswordHash string    `json:"-"`
	Disabled     bool      `json:"disabled"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// Session is a signed-in browser. The store keeps only the SHA-256 of the
// cookie's token (Hash), so a read of the table cannot sign anyone in.
// CSRFSecret keys the session's CSRF tokens.
type Session struct {
	SessionID  int64     `json:"session_id"`
	UserID     int64     `json:"user_id"`
	Hash       []byte    `json:"-"`
	CSRFSecret []byte    `json:"-"`
	CreatedAt  time.Time `json:"created_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
}

// SignInToken is a one-time sign-in link's token, stored as its SHA-256.
type SignInToken struct {
	TokenID   int64     `json:"token_id"`
	UserID    int64     `json:"user_id"`
	Hash      []byte    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	UsedAt    time.Time `json:"used_at,omitzero"`
}

// UserStore holds users, their sessions and their one-time sign-in
// tokens. Sessions and tokens live in the store, not in a server's
// memory, so that ending one (sign-out, a disabled or deleted user) ends
// it on every server at once.
type UserStore interface {
	// CreateUser inserts a user, assigning UserID (ids are never reused).
	// An email another user has, in any case, is ECONFLICT on "email".
	CreateUser(ctx context.Context, u *User) error
	GetUser(ctx context.Context, id int64) (User, error)
	// UserByEmail finds a user by email without regard to case.
	UserByEmail(ctx context.Context, email string) (User, error)
	// UpdateUser replaces a user's email, role, password hash and disabled
	// flag (not its customer). Disabling a user deletes its sessions in
	// the same transaction.
	UpdateUser(ctx context.Context, u *User) error
	// DeleteUser deletes a user and, by cascade, its sessions and tokens;
	// its saved searches and lists stay with the customer (user_id NULL).
	DeleteUser(ctx context.Context, id int64) error
	// ListUsers pages through a customer's users by user_id; customerID 0
	// lists the operators.
	ListUsers(ctx context.Context, customerID int64, opt ListOptions) ([]User, error)

	// CreateSession stores a session (its token's hash). CreatedAt and
	// LastSeenAt default to now.
	CreateSession(ctx context.Context, s *Session) error
	// SessionByHash returns the session whose token hashes to h and its
	// user. A missing session, or one of a disabled user, is ENOTFOUND;
	// the caller checks ExpiresAt against its clock.
	SessionByHash(ctx context.Context, h []byte) (Session, User, error)
	// TouchSession sets a session's last_seen_at and expires_at.
	TouchSession(ctx context.Context, id int64, lastSeen, expires time.Time) error
	// DeleteSession ends one session; ENOTFOUND when there is none.
	DeleteSession(ctx context.Context, id int64) error
	// DeleteUserSessions ends every session of a user and returns how many
	// there were.
	DeleteUserSessions(ctx context.Context, userID int64) (int, error)
	// DeleteExpiredSessions deletes sessions that expired before now and
	// sign-in tokens that expired before now or were used (a used token
	// can never sign in again), returning how many rows it deleted.
	// pursuit serve runs it periodically (web.SweepSessions).
	DeleteExpiredSessions(ctx context.Context, now time.Time) (int, error)

	// CreateSignInToken stores a one-time sign-in token's hash.
	CreateSignInToken(ctx context.Context, t *SignInToken) error
	// UseSignInToken marks the token whose hash is h used at now and
	// returns it, in one transaction. A token that does not exist, was used
	// before, has expired or belongs to a disabled user is ENOTFOUND; all
	// four look the same to the caller.
	UseSignInToken(ctx context.Context, h []byte, now time.Time) (SignInToken, error)
}

// NormalizeEmail is the form a user's email is compared in: trimmed and
// lower case.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks a user before a store saves it.
func (u *User) Validate() error {
	var role, customer, email, hash error
	switch u.Role {
	case UserRoleMember, UserRoleAdmin:
		if u.CustomerID <= 0 {
			customer = FieldErrorf(EINVALID, "customer_id", "is required for a %s user", u.Role)
		}
	case UserRoleOperator:
		if u.CustomerID != 0 {
			customer = FieldErrorf(EINVALID, "customer_id", "must be empty for an operator, who belongs to no customer")
		}
	default:
		role = FieldErrorf(EINVALID, "role", "must be %q, %q or %q, not %q", UserRoleMember, UserRoleAdmin, UserRoleOperator, u.Role)
	}
	if strings.TrimSpace(u.Email) == "" {
		email = FieldErrorf(EINVALID, "email", "is required")
	} else {
		email = checkEmail("email", u.Email)
	}
	if len(u.PasswordHash) > MaxPasswordHashLen {
		hash = FieldErrorf(EINVALID, "password_hash", "is %d bytes long, more than the limit of %d", len(u.PasswordHash), MaxPasswordHashLen)
	}
	return firstErr(checkID("user_id", u.UserID, false), role, customer, email, hash)
}

// Validate checks a session before a store saves it.
func (s *Session) Validate() error {
	var hash, secret, exp error
	if len(s.Hash) != SessionHashLen {
		hash = FieldErrorf(EINVALID, "hash", "must be %d bytes, not %d", SessionHashLen, len(s.Hash))
	}
	if len(s.CSRFSecret) < 16 || len(s.CSRFSecret) > 64 {
		secret = FieldErrorf(EINVALID, "csrf_secret", "must be 16 to 64 bytes, not %d", len(s.CSRFSecret))
	}
	if s.ExpiresAt.IsZero() {
		exp = FieldErrorf(EINVALID, "expires_at", "is required")
	}
	return firstErr(checkID("user_id", s.UserID, true), hash, secret, exp)
}

// Validate checks a sign-in token before a store saves it.
func (t *SignInToken) Validate() error {
	var hash, exp error
	if len(t.Hash) != SessionHashLen {
		hash = FieldErrorf(EINVALID, "hash", "must be %d bytes, not %d", SessionHashLen, len(t.Hash))
	}
	if t.ExpiresAt.IsZero() {
		exp = FieldErrorf(EINVALID, "expires_at", "is required")
	}
	return firstErr(checkID("user_id", t.UserID, true), hash, exp)
}
