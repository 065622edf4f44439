package storetest

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/pursuit-gov/pursuit"
)

// webTests are the conformance tests of UserStore, SavedSearchStore and
// ListStore; Exercise runs them with the rest.
var webTests = []struct {
	name string
	fn   func(t *testing.T, s pursuit.Store)
}{
	{"Users", testUsers},
	{"Sessions", testSessions},
	{"SignInTokens", testSignInTokens},
	{"SavedSearches", testSavedSearches},
	{"Lists", testLists},
	{"WebIDsNeverReused", testWebIDsNeverReused},
	{"RevealedContacts", testRevealedContacts},
	{"Alerts", testAlerts},
}

// testRevealedContacts checks that RevealedContacts reports exactly the
// contacts a customer revealed, not another customer's reveals.
func testRevealedContacts(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	other := mustCustomer(t, s, "globex")
	p := mustPlace(t, s, "Springfield")
	a := mustContact(t, s, p.PlaceID, "Ann", "Able")
	b := mustContact(t, s, p.PlaceID, "Ben", "Baker")
	c := mustContact(t, s, p.PlaceID, "Cal", "Cole")
	got, err := s.RevealedContacts(ctx, cu.CustomerID, []int64{a.ContactID, b.ContactID})
	ok(t, err, "RevealedContacts")
	if len(got) != 0 {
		t.Fatalf("revealed before any reveal: %v", got)
	}
	_, err = s.RevealContact(ctx, &pursuit.Reveal{CustomerID: cu.CustomerID, ContactID: a.ContactID})
	ok(t, err, "RevealContact")
	_, err = s.RevealContact(ctx, &pursuit.Reveal{CustomerID: other.CustomerID, ContactID: b.ContactID})
	ok(t, err, "RevealContact other")
	got, err = s.RevealedContacts(ctx, cu.CustomerID, []int64{a.ContactID, b.ContactID, c.ContactID, 999999})
	ok(t, err, "RevealedContacts")
	diff(t, "revealed", map[int64]bool{a.ContactID: true}, got)
	got, err = s.RevealedContacts(ctx, cu.CustomerID, nil)
	ok(t, err, "RevealedContacts(nil)")
	if len(got) != 0 {
		t.Fatalf("RevealedContacts(nil) = %v", got)
	}
}

func sum(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

func mustUser(t *testing.T, s pursuit.Store, customerID int64, email, role string) pursuit.User {
	t.Helper()
	u := pursuit.User{CustomerID: customerID, Email: email, Role: role}
	ok(t, s.CreateUser(ctx, &u), "CreateUser")
	return u
}

func testUsers(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	other := mustCustomer(t, s, "globex")
	u := pursuit.User{CustomerID: cu.CustomerID, Email: "Bob.Smith@Acme.example", Role: pursuit.UserRoleAdmin, PasswordHash: "$argon2id$x"}
	ok(t, s.CreateUser(ctx, &u), "CreateUser")
	if u.UserID == 0 || u.CreatedAt.IsZero() || !u.CreatedAt.Equal(u.UpdatedAt) {
		t.Fatalf("CreateUser left %+v", u)
	}
	utc(t, "user", u.CreatedAt, u.UpdatedAt)
	got, err := s.GetUser(ctx, u.UserID)
	ok(t, err, "GetUser")
	diff(t, "GetUser", u, got)
	got, err = s.UserByEmail(ctx, "  bob.smith@ACME.example ")
	ok(t, err, "UserByEmail")
	diff(t, "UserByEmail", u, got)
	_, err = s.UserByEmail(ctx, "nobody@acme.example")
	wantCode(t, err, pursuit.ENOTFOUND, "")

	// Emails are unique without regard to case, across customers.
	dup := pursuit.User{CustomerID: other.CustomerID, Email: "bob.smith@acme.EXAMPLE", Role: pursuit.UserRoleMember}
	wantCode(t, s.CreateUser(ctx, &dup), pursuit.ECONFLICT, "email")
	// Bad rows.
	for _, bad := range []struct {
		u     pursuit.User
		code  string
		field string
	}{
		{pursuit.User{CustomerID: cu.CustomerID, Email: "x@acme.example", Role: "owner"}, pursuit.EINVALID, "role"},
		{pursuit.User{Email: "x@acme.example", Role: pursuit.UserRoleMember}, pursuit.EINVALID, "customer_id"},
		{pursuit.User{CustomerID: cu.CustomerID, Email: "x@acme.example", Role: pursuit.UserRoleOperator}, pursuit.EINVALID, "customer_id"},
		{pursuit.User{CustomerID: cu.CustomerID, Email: "not an email", Role: pursuit.UserRoleMember}, pursuit.EINVALID, "email"},
		{pursuit.User{CustomerID: cu.CustomerID, Role: pursuit.UserRoleMember}, pursuit.EINVALID, "email"},
		{pursuit.User{CustomerID: 999999, Email: "x@acme.example", Role: pursuit.UserRoleMember}, pursuit.EFOREIGNKEY, "customer_id"},
	} {
		wantCode(t, s.CreateUser(ctx, &bad.u), bad.code, bad.field)
	}

	// Operators belong to no customer and list under 0.
	op := mustUser(t, s, 0, "ops@pursuit.example", pursuit.UserRoleOperator)
	m := mustUser(t, s, cu.CustomerID, "amy@acme.example", pursuit.UserRoleMember)
	g := mustUser(t, s, other.CustomerID, "gus@globex.example", pursuit.UserRoleMember)
	us, err := s.ListUsers(ctx, cu.CustomerID, pursuit.ListOptions{})
	ok(t, err, "ListUsers")
	if len(us) != 2 || us[0].UserID != u.UserID || us[1].UserID != m.UserID {
		t.Fatalf("ListUsers(acme) = %+v", us)
	}
	us, err = s.ListUsers(ctx, cu.CustomerID, pursuit.ListOptions{After: u.UserID, Limit: 1})
	ok(t, err, "ListUsers page 2")
	if len(us) != 1 || us[0].UserID != m.UserID {
		t.Fatalf("ListUsers page 2 = %+v", us)
	}
	us, err = s.ListUsers(ctx, 0, pursuit.ListOptions{})
	ok(t, err, "ListUsers(operators)")
	if len(us) != 1 || us[0].UserID != op.UserID {
		t.Fatalf("ListUsers(0) = %+v", us)
	}

	// Update: email, role, hash, disabled; the customer stays.
	u.Email, u.Role, u.PasswordHash, u.CustomerID = "bob@acme.example", pursuit.UserRoleMember, "", cu.CustomerID
	ok(t, s.UpdateUser(ctx, &u), "UpdateUser")
	got, err = s.GetUser(ctx, u.UserID)
	ok(t, err, "GetUser")
	diff(t, "after UpdateUser", u, got)
	m.Email = "BOB@acme.example"
	wantCode(t, s.UpdateUser(ctx, &m), pursuit.ECONFLICT, "email")
	missing := pursuit.User{UserID: 999999, CustomerID: cu.CustomerID, Email: "z@acme.example", Role: pursuit.UserRoleMember}
	wantCode(t, s.UpdateUser(ctx, &missing), pursuit.ENOTFOUND, "")

	// change_log follows users.
	last, err := s.LastSeq(ctx)
	ok(t, err, "LastSeq")
	ok(t, s.DeleteUser(ctx, g.UserID), "DeleteUser")
	cs, err := s.Changes(ctx, last, 10)
	ok(t, err, "Changes")
	if len(cs) != 1 || cs[0].Table != pursuit.TableUsers || cs[0].Op != pursuit.OpDelete || cs[0].Key != g.UserID {
		t.Fatalf("changes of DeleteUser = %+v", cs)
	}
	wantCode(t, s.DeleteUser(ctx, g.UserID), pursuit.ENOTFOUND, "")
	// Deleting the customer deletes its users.
	ok(t, s.DeleteCustomer(ctx, cu.CustomerID), "DeleteCustomer")
	_, err = s.GetUser(ctx, m.UserID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	_, err = s.GetUser(ctx, op.UserID)
	ok(t, err, "operator survives")
}

func newSession(userID int64, token string, expires time.Time) pursuit.Session {
	return pursuit.Session{UserID: userID, Hash: sum(token), CSRFSecret: bytes.Repeat([]byte{7}, 32), ExpiresAt: expires}
}

func testSessions(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	u := mustUser(t, s, cu.CustomerID, "amy@acme.example", pursuit.UserRoleMember)
	v := mustUser(t, s, cu.CustomerID, "bob@acme.example", pursuit.UserRoleMember)
	exp := t0.Add(12 * time.Hour)
	a := newSession(u.UserID, "a", exp)
	ok(t, s.CreateSession(ctx, &a), "CreateSession")
	if a.SessionID == 0 || a.CreatedAt.IsZero() || !a.LastSeenAt.Equal(a.CreatedAt) || !a.ExpiresAt.Equal(exp) {
		t.Fatalf("CreateSession left %+v", a)
	}
	utc(t, "session", a.CreatedAt, a.ExpiresAt, a.LastSeenAt)
	dup := newSession(v.UserID, "a", exp)
	wantCode(t, s.CreateSession(ctx, &dup), pursuit.ECONFLICT, "hash")
	bad := newSession(999999, "z", exp)
	wantCode(t, s.CreateSession(ctx, &bad), pursuit.EFOREIGNKEY, "user_id")
	short := newSession(u.UserID, "q", exp)
	short.Hash = short.Hash[:5]
	wantCode(t, s.CreateSession(ctx, &short), pursuit.EINVALID, "hash")

	gs, gu, err := s.SessionByHash(ctx, sum("a"))
	ok(t, err, "SessionByHash")
	diff(t, "SessionByHash session", a, gs)
	diff(t, "SessionByHash user", u, gu)
	_, _, err = s.SessionByHash(ctx, sum("nope"))
	wantCode(t, err, pursuit.ENOTFOUND, "")

	seen, later := t0.Add(time.Hour), exp.Add(time.Hour)
	ok(t, s.TouchSession(ctx, a.SessionID, seen, later), "TouchSession")
	gs, _, err = s.SessionByHash(ctx, sum("a"))
	ok(t, err, "SessionByHash")
	if !gs.LastSeenAt.Equal(seen) || !gs.ExpiresAt.Equal(later) {
		t.Fatalf("after TouchSession: %+v", gs)
	}
	wantCode(t, s.TouchSession(ctx, 999999, seen, later), pursuit.ENOTFOUND, "")

	// Sign-out ends one session, DeleteUserSessions all of a user's.
	b := newSession(u.UserID, "b", exp)
	ok(t, s.CreateSession(ctx, &b), "CreateSession b")
	c := newSession(v.UserID, "c", exp)
	ok(t, s.CreateSession(ctx, &c), "CreateSession c")
	ok(t, s.DeleteSession(ctx, a.SessionID), "DeleteSession")
	wantCode(t, s.DeleteSession(ctx, a.SessionID), pursuit.ENOTFOUND, "")
	_, _, err = s.SessionByHash(ctx, sum("a"))
	wantCode(t, err, pursuit.ENOTFOUND, "")
	n, err := s.DeleteUserSessions(ctx, u.UserID)
	ok(t, err, "DeleteUserSessions")
	if n != 1 {
		t.Fatalf("DeleteUserSessions = %d, want 1", n)
	}
	_, _, err = s.SessionByHash(ctx, sum("c"))
	ok(t, err, "another user's session lives")

	// Disabling a user ends its sessions at once and refuses them.
	v.Disabled = true
	ok(t, s.UpdateUser(ctx, &v), "disable")
	_, _, err = s.SessionByHash(ctx, sum("c"))
	wantCode(t, err, pursuit.ENOTFOUND, "")
	d := newSession(v.UserID, "d", exp)
	ok(t, s.CreateSession(ctx, &d), "CreateSession for a disabled user")
	_, _, err = s.SessionByHash(ctx, sum("d"))
	wantCode(t, err, pursuit.ENOTFOUND, "")

	// Deleting a user deletes its sessions.
	e := newSession(u.UserID, "e", exp)
	ok(t, s.CreateSession(ctx, &e), "CreateSession e")
	ok(t, s.DeleteUser(ctx, u.UserID), "DeleteUser")
	_, _, err = s.SessionByHash(ctx, sum("e"))
	wantCode(t, err, pursuit.ENOTFOUND, "")

	// Expired sessions go.
	w := mustUser(t, s, cu.CustomerID, "cy@acme.example", pursuit.UserRoleMember)
	old := newSession(w.UserID, "old", t0)
	ok(t, s.CreateSession(ctx, &old), "CreateSession old")
	fresh := newSession(w.UserID, "fresh", t0.Add(2*time.Hour))
	ok(t, s.CreateSession(ctx, &fresh), "CreateSession fresh")
	n, err = s.DeleteExpiredSessions(ctx, t0.Add(time.Hour))
	ok(t, err, "DeleteExpiredSessions")
	if n < 1 {
		t.Fatalf("DeleteExpiredSessions = %d", n)
	}
	_, _, err = s.SessionByHash(ctx, sum("old"))
	wantCode(t, err, pursuit.ENOTFOUND, "")
	_, _, err = s.SessionByHash(ctx, sum("fresh"))
	ok(t, err, "fresh session")
}

func testSignInTokens(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	u := mustUser(t, s, cu.CustomerID, "amy@acme.example", pursuit.UserRoleMember)
	tok := pursuit.SignInToken{UserID: u.UserID, Hash: sum("link"), ExpiresAt: t0.Add(time.Hour)}
	ok(t, s.CreateSignInToken(ctx, &tok), "CreateSignInToken")
	if tok.TokenID == 0 || tok.CreatedAt.IsZero() {
		t.Fatalf("CreateSignInToken left %+v", tok)
	}
	dup := pursuit.SignInToken{UserID: u.UserID, Hash: sum("link"), ExpiresAt: t0.Add(time.Hour)}
	wantCode(t, s.CreateSignInToken(ctx, &dup), pursuit.ECONFLICT, "hash")

	// Expired: refused, and still refused later.
	_, err := s.UseSignInToken(ctx, sum("link"), t0.Add(2*time.Hour))
	wantCode(t, err, pursuit.ENOTFOUND, "")
	got, err := s.UseSignInToken(ctx, sum("link"), t0.Add(time.Minute))
	ok(t, err, "UseSignInToken")
	if got.UserID != u.UserID || got.TokenID != tok.TokenID || !got.UsedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("UseSignInToken = %+v", got)
	}
	// One time only.
	_, err = s.UseSignInToken(ctx, sum("link"), t0.Add(2*time.Minute))
	wantCode(t, err, pursuit.ENOTFOUND, "")
	_, err = s.UseSignInToken(ctx, sum("never"), t0)
	wantCode(t, err, pursuit.ENOTFOUND, "")

	// A disabled user's token is refused.
	tok2 := pursuit.SignInToken{UserID: u.UserID, Hash: sum("link2"), ExpiresAt: t0.Add(time.Hour)}
	ok(t, s.CreateSignInToken(ctx, &tok2), "CreateSignInToken 2")
	u.Disabled = true
	ok(t, s.UpdateUser(ctx, &u), "disable")
	_, err = s.UseSignInToken(ctx, sum("link2"), t0)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	u.Disabled = false
	ok(t, s.UpdateUser(ctx, &u), "enable")
	_, err = s.UseSignInToken(ctx, sum("link2"), t0)
	ok(t, err, "enabled again")

	// Concurrent uses of one token: exactly one wins.
	tok3 := pursuit.SignInToken{UserID: u.UserID, Hash: sum("race"), ExpiresAt: t0.Add(time.Hour)}
	ok(t, s.CreateSignInToken(ctx, &tok3), "CreateSignInToken 3")
	errs := make(chan error, 8)
	for range 8 {
		go func() { _, err := s.UseSignInToken(ctx, sum("race"), t0); errs <- err }()
	}
	wins := 0
	for range 8 {
		if err := <-errs; err == nil {
			wins++
		} else {
			wantCode(t, err, pursuit.ENOTFOUND, "")
		}
	}
	if wins != 1 {
		t.Fatalf("%d concurrent uses of one token succeeded, want 1", wins)
	}

	// The sweep deletes used tokens (link, link2, race) and expired ones,
	// and leaves an unused live token working.
	stale := pursuit.SignInToken{UserID: u.UserID, Hash: sum("stale"), ExpiresAt: t0.Add(-time.Minute)}
	ok(t, s.CreateSignInToken(ctx, &stale), "CreateSignInToken stale")
	fresh := pursuit.SignInToken{UserID: u.UserID, Hash: sum("fresh"), ExpiresAt: t0.Add(time.Hour)}
	ok(t, s.CreateSignInToken(ctx, &fresh), "CreateSignInToken fresh")
	n, err := s.DeleteExpiredSessions(ctx, t0)
	ok(t, err, "DeleteExpiredSessions")
	if n != 4 {
		t.Fatalf("DeleteExpiredSessions deleted %d tokens, want 4 (3 used, 1 expired)", n)
	}
	_, err = s.UseSignInToken(ctx, sum("fresh"), t0)
	ok(t, err, "the live token survives the sweep")
	if n, err = s.DeleteExpiredSessions(ctx, t0); err != nil || n != 1 {
		t.Fatalf("DeleteExpiredSessions after its use = %d, %v; want 1", n, err)
	}
}

func testSavedSearches(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	other := mustCustomer(t, s, "globex")
	u := mustUser(t, s, cu.CustomerID, "amy@acme.example", pursuit.UserRoleMember)
	last, err := s.LastSeq(ctx)
	ok(t, err, "LastSeq")
	ss := pursuit.SavedSearch{CustomerID: cu.CustomerID, UserID: u.UserID, Name: "Texas finance", Query: "q=finance+director&state=TX"}
	ok(t, s.CreateSavedSearch(ctx, &ss), "CreateSavedSearch")
	if ss.SavedSearchID == 0 || ss.Alert != pursuit.AlertOff || ss.CreatedAt.IsZero() {
		t.Fatalf("CreateSavedSearch left %+v", ss)
	}
	utc(t, "saved search", ss.CreatedAt, ss.UpdatedAt)
	got, err := s.GetSavedSearch(ctx, cu.CustomerID, ss.SavedSearchID)
	ok(t, err, "GetSavedSearch")
	diff(t, "GetSavedSearch", ss, got)
	got, err = s.SavedSearchByID(ctx, ss.SavedSearchID)
	ok(t, err, "SavedSearchByID")
	diff(t, "SavedSearchByID", ss, got)

	// Another customer sees nothing, exactly as for a missing id.
	_, err = s.GetSavedSearch(ctx, other.CustomerID, ss.SavedSearchID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	msgOther := pursuit.ErrorMessage(err)
	_, err = s.GetSavedSearch(ctx, other.CustomerID, ss.SavedSearchID+1000)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	if want := fmt.Sprintf("saved search %d", ss.SavedSearchID); !bytes.Contains([]byte(msgOther), []byte(want)) {
		t.Fatalf("message %q does not name the id", msgOther)
	}
	hijack := ss
	hijack.CustomerID, hijack.Name = other.CustomerID, "mine now"
	wantCode(t, s.UpdateSavedSearch(ctx, &hijack), pursuit.ENOTFOUND, "")
	wantCode(t, s.DeleteSavedSearch(ctx, other.CustomerID, ss.SavedSearchID), pursuit.ENOTFOUND, "")
	list, err := s.ListSavedSearches(ctx, other.CustomerID, pursuit.ListOptions{})
	ok(t, err, "ListSavedSearches(other)")
	if len(list) != 0 {
		t.Fatalf("other customer lists %+v", list)
	}
	// The same name is fine for another customer, not for the same one.
	os := pursuit.SavedSearch{CustomerID: other.CustomerID, Name: "Texas finance", Query: "q=x"}
	ok(t, s.CreateSavedSearch(ctx, &os), "same name, other customer")
	dup := pursuit.SavedSearch{CustomerID: cu.CustomerID, Name: "Texas finance", Query: "q=y"}
	wantCode(t, s.CreateSavedSearch(ctx, &dup), pursuit.ECONFLICT, "name")
	for _, bad := range []struct {
		s     pursuit.SavedSearch
		code  string
		field string
	}{
		{pursuit.SavedSearch{CustomerID: cu.CustomerID, Name: "a", Alert: "weekly"}, pursuit.EINVALID, "alert"},
		{pursuit.SavedSearch{CustomerID: cu.CustomerID, Name: " "}, pursuit.EINVALID, "name"},
		{pursuit.SavedSearch{CustomerID: cu.CustomerID, Name: "a", Query: string(make([]byte, pursuit.MaxSavedQueryLen+1))}, pursuit.EINVALID, "query"},
		{pursuit.SavedSearch{CustomerID: 999999, Name: "a"}, pursuit.EFOREIGNKEY, "customer_id"},
		{pursuit.SavedSearch{CustomerID: cu.CustomerID, UserID: 999999, Name: "a"}, pursuit.EFOREIGNKEY, "user_id"},
	} {
		wantCode(t, s.CreateSavedSearch(ctx, &bad.s), bad.code, bad.field)
	}

	ss.Name, ss.Query, ss.Alert = "TX finance", "q=finance&state=TX&function=finance", pursuit.AlertDaily
	ok(t, s.UpdateSavedSearch(ctx, &ss), "UpdateSavedSearch")
	got, err = s.GetSavedSearch(ctx, cu.CustomerID, ss.SavedSearchID)
	ok(t, err, "GetSavedSearch")
	diff(t, "after UpdateSavedSearch", ss, got)

	// Deleting the user keeps the search, without its user.
	ok(t, s.DeleteUser(ctx, u.UserID), "DeleteUser")
	got, err = s.GetSavedSearch(ctx, cu.CustomerID, ss.SavedSearchID)
	ok(t, err, "GetSavedSearch after DeleteUser")
	if got.UserID != 0 {
		t.Fatalf("user_id = %d after the user was deleted", got.UserID)
	}
	ok(t, s.DeleteSavedSearch(ctx, cu.CustomerID, ss.SavedSearchID), "DeleteSavedSearch")
	wantCode(t, s.DeleteSavedSearch(ctx, cu.CustomerID, ss.SavedSearchID), pursuit.ENOTFOUND, "")

	// change_log follows saved_searches: insert, update (also the SET NULL
	// of the user's delete), delete.
	cs, err := s.Changes(ctx, last, 100)
	ok(t, err, "Changes")
	var ops []string
	for _, c := range cs {
		if c.Table == pursuit.TableSavedSearches && c.Key == ss.SavedSearchID {
			ops = append(ops, c.Op)
		}
	}
	diff(t, "saved search changes", []string{pursuit.OpInsert, pursuit.OpUpdate, pursuit.OpUpdate, pursuit.OpDelete}, ops)
	// Deleting the customer deletes its saved searches.
	ok(t, s.DeleteCustomer(ctx, other.CustomerID), "DeleteCustomer")
	_, err = s.SavedSearchByID(ctx, os.SavedSearchID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
}

func testLists(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	other := mustCustomer(t, s, "globex")
	p := mustPlace(t, s, "Springfield")
	q := mustPlace(t, s, "Shelbyville")
	a := mustContact(t, s, p.PlaceID, "Ann", "Able")
	b := mustContact(t, s, p.PlaceID, "Ben", "Baker")
	c := mustContact(t, s, q.PlaceID, "Cal", "Cole")
	d := mustContact(t, s, q.PlaceID, "Dee", "Dunn")
	// acme sees p's contacts through its place grant and c through a
	// contact grant; d not at all.
	ok(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: cu.CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessMasked}), "PutPlaceGrant")
	ok(t, s.PutContactGrant(ctx, &pursuit.CustomerContactRelation{CustomerID: cu.CustomerID, ContactID: c.ContactID, AccessType: pursuit.AccessFull}), "PutContactGrant")

	l := pursuit.List{CustomerID: cu.CustomerID, Name: "Q3 outreach"}
	ok(t, s.CreateList(ctx, &l), "CreateList")
	dup := pursuit.List{CustomerID: cu.CustomerID, Name: "Q3 outreach"}
	wantCode(t, s.CreateList(ctx, &dup), pursuit.ECONFLICT, "name")
	n, err := s.AddListItems(ctx, cu.CustomerID, l.ListID, []int64{a.ContactID, c.ContactID, a.ContactID})
	ok(t, err, "AddListItems")
	if n != 2 {
		t.Fatalf("AddListItems added %d, want 2", n)
	}
	// A contact the customer cannot see fails the whole call, as does a
	// missing one, and adds nothing.
	_, err = s.AddListItems(ctx, cu.CustomerID, l.ListID, []int64{b.ContactID, d.ContactID})
	wantCode(t, err, pursuit.ENOTFOUND, "contact_id")
	_, err = s.AddListItems(ctx, cu.CustomerID, l.ListID, []int64{b.ContactID, 999999})
	wantCode(t, err, pursuit.ENOTFOUND, "contact_id")
	got, err := s.GetList(ctx, cu.CustomerID, l.ListID)
	ok(t, err, "GetList")
	if got.Items != 2 || got.Name != l.Name {
		t.Fatalf("GetList = %+v, want 2 items", got)
	}
	// Another customer cannot read, add to, rename, remove from or delete
	// the list.
	_, err = s.GetList(ctx, other.CustomerID, l.ListID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	_, err = s.ListItems(ctx, other.CustomerID, l.ListID, pursuit.ListOptions{})
	wantCode(t, err, pursuit.ENOTFOUND, "")
	ok(t, s.PutPlaceGrant(ctx, &pursuit.CustomerPlaceRelation{CustomerID: other.CustomerID, PlaceID: p.PlaceID, AccessType: pursuit.AccessFull}), "other's grant")
	_, err = s.AddListItems(ctx, other.CustomerID, l.ListID, []int64{b.ContactID})
	wantCode(t, err, pursuit.ENOTFOUND, "")
	wantCode(t, s.RenameList(ctx, other.CustomerID, l.ListID, "x"), pursuit.ENOTFOUND, "")
	wantCode(t, s.RemoveListItem(ctx, other.CustomerID, l.ListID, a.ContactID), pursuit.ENOTFOUND, "")
	wantCode(t, s.DeleteList(ctx, other.CustomerID, l.ListID), pursuit.ENOTFOUND, "")

	items, err := s.ListItems(ctx, cu.CustomerID, l.ListID, pursuit.ListOptions{})
	ok(t, err, "ListItems")
	if len(items) != 2 || items[0].ContactID != min(a.ContactID, c.ContactID) || items[1].ContactID != max(a.ContactID, c.ContactID) {
		t.Fatalf("ListItems = %+v", items)
	}
	utc(t, "item", items[0].AddedAt)
	ok(t, s.RenameList(ctx, cu.CustomerID, l.ListID, "Q4 outreach"), "RenameList")
	l2 := pursuit.List{CustomerID: cu.CustomerID, Name: "Other"}
	ok(t, s.CreateList(ctx, &l2), "CreateList 2")
	wantCode(t, s.RenameList(ctx, cu.CustomerID, l2.ListID, "Q4 outreach"), pursuit.ECONFLICT, "name")
	ls, err := s.ListLists(ctx, cu.CustomerID, pursuit.ListOptions{})
	ok(t, err, "ListLists")
	if len(ls) != 2 || ls[0].Name != "Q4 outreach" || ls[0].Items != 2 || ls[1].Items != 0 {
		t.Fatalf("ListLists = %+v", ls)
	}

	// Deleting a contact takes it off every list, with change_log rows.
	last, err := s.LastSeq(ctx)
	ok(t, err, "LastSeq")
	ok(t, s.DeleteContact(ctx, c.ContactID), "DeleteContact")
	cs, err := s.Changes(ctx, last, 100)
	ok(t, err, "Changes")
	found := false
	for _, ch := range cs {
		if ch.Table == pursuit.TableListItems && ch.Op == pursuit.OpDelete && ch.Key == l.ListID && ch.Key2 == c.ContactID {
			found = true
		}
	}
	if !found {
		t.Fatalf("no list_items delete in %+v", cs)
	}
	ok(t, s.RemoveListItem(ctx, cu.CustomerID, l.ListID, a.ContactID), "RemoveListItem")
	wantCode(t, s.RemoveListItem(ctx, cu.CustomerID, l.ListID, a.ContactID), pursuit.ENOTFOUND, "")
	got, err = s.GetList(ctx, cu.CustomerID, l.ListID)
	ok(t, err, "GetList")
	if got.Items != 0 {
		t.Fatalf("list still holds %d items", got.Items)
	}
	ok(t, s.DeleteList(ctx, cu.CustomerID, l.ListID), "DeleteList")
	_, err = s.GetList(ctx, cu.CustomerID, l.ListID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
	ok(t, s.DeleteCustomer(ctx, cu.CustomerID), "DeleteCustomer")
	_, err = s.GetList(ctx, cu.CustomerID, l2.ListID)
	wantCode(t, err, pursuit.ENOTFOUND, "")
}

// testWebIDsNeverReused deletes the newest user, saved search and list in
// random orders: a new row never gets the id of a deleted one.
func testWebIDsNeverReused(t *testing.T, s pursuit.Store) {
	cu := mustCustomer(t, s, "acme")
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	var maxUser, maxSearch, maxList int64
	var users, searches, lists []int64
	for i := range 30 {
		switch r.IntN(3) {
		case 0:
			u := mustUser(t, s, cu.CustomerID, fmt.Sprintf("u%d@acme.example", i), pursuit.UserRoleMember)
			if u.UserID <= maxUser {
				t.Fatalf("user id %d reused (max ever %d)", u.UserID, maxUser)
			}
			maxUser, users = u.UserID, append(users, u.UserID)
		case 1:
			ss := pursuit.SavedSearch{CustomerID: cu.CustomerID, Name: fmt.Sprint("s", i), Query: "q=x"}
			ok(t, s.CreateSavedSearch(ctx, &ss), "CreateSavedSearch")
			if ss.SavedSearchID <= maxSearch {
				t.Fatalf("saved search id %d reused (max ever %d)", ss.SavedSearchID, maxSearch)
			}
			maxSearch, searches = ss.SavedSearchID, append(searches, ss.SavedSearchID)
		case 2:
			l := pursuit.List{CustomerID: cu.CustomerID, Name: fmt.Sprint("l", i)}
			ok(t, s.CreateList(ctx, &l), "CreateList")
			if l.ListID <= maxList {
				t.Fatalf("list id %d reused (max ever %d)", l.ListID, maxList)
			}
			maxList, lists = l.ListID, append(lists, l.ListID)
		}
		// Delete the newest row of a random table half the time.
		if r.IntN(2) == 0 {
			switch k := r.IntN(3); {
			case k == 0 && len(users) > 0:
				ok(t, s.DeleteUser(ctx, users[len(users)-1]), "DeleteUser")
				users = users[:len(users)-1]
			case k == 1 && len(searches) > 0:
				ok(t, s.DeleteSavedSearch(ctx, cu.CustomerID, searches[len(searches)-1]), "DeleteSavedSearch")
				searches = searches[:len(searches)-1]
			case k == 2 && len(lists) > 0:
				ok(t, s.DeleteList(ctx, cu.CustomerID, lists[len(lists)-1]), "DeleteList")
				lists = lists[:len(lists)-1]
			}
		}
	}
}
