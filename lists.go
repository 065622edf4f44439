package pursuit

import (
	"context"
	"time"
)

// Tables of contact lists; change_log follows both.
const (
	TableLists     = "lists"
	TableListItems = "list_items"
)

// MaxListItems bounds the contacts of one list.
const MaxListItems = 10000

// List is a customer's named list of contacts. UserID is the user who made
// it (0 when made with an API key or its user was deleted). Items is the
// number of contacts on it, filled by reads.
type List struct {
	ListID     int64     `json:"list_id"`
	CustomerID int64     `json:"customer_id"`
	UserID     int64     `json:"user_id,omitempty"`
	Name       string    `json:"name"`
	Items      int       `json:"items"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// ListItem is one contact on a list.
type ListItem struct {
	ListID    int64     `json:"list_id"`
	ContactID int64     `json:"contact_id"`
	AddedAt   time.Time `json:"added_at"`
}

// ListStore holds contact lists, scoped to one customer: another
// customer's list is ENOTFOUND, like one that does not exist, and a
// contact can be added only when the customer's grants let it see the
// contact (ContactAccess), else ENOTFOUND. Items of contacts whose grants
// were revoked later stay on the list; readers check ContactAccess.
type ListStore interface {
	// CreateList inserts a list (ids never reused); a name the customer
	// already uses is ECONFLICT on "name".
	CreateList(ctx context.Context, l *List) error
	GetList(ctx context.Context, customerID, id int64) (List, error)
	// RenameList changes a list's name.
	RenameList(ctx context.Context, customerID, id int64, name string) error
	DeleteList(ctx context.Context, customerID, id int64) error
	// ListLists pages through a customer's lists by list_id.
	ListLists(ctx context.Context, customerID int64, opt ListOptions) ([]List, error)
	// AddListItems adds visible contacts to a list (those already on it
	// are kept as they are) and returns how many it added. Any contact the
	// customer cannot see fails the whole call with ENOTFOUND on
	// "contact_id"; more than MaxListItems on the list is ETOOLARGE.
	AddListItems(ctx context.Context, customerID, listID int64, contactIDs []int64) (int, error)
	// RemoveListItem takes a contact off a list; ENOTFOUND when it is not
	// on it.
	RemoveListItem(ctx context.Context, customerID, listID, contactID int64) error
	// ListItems pages through a list's contacts by contact_id.
	ListItems(ctx context.Context, customerID, listID int64, opt ListOptions) ([]ListItem, error)
	// RevealedContacts returns which of ids the customer has revealed
	// (contact_reveals), so pages and exports show those unmasked.
	RevealedContacts(ctx context.Context, customerID int64, ids []int64) (map[int64]bool, error)
}

// Validate checks a list before a store saves it.
func (l *List) Validate() error {
	return firstErr(
		checkID("list_id", l.ListID, false),
		checkID("customer_id", l.CustomerID, true),
		checkID("user_id", l.UserID, false),
		checkText("name", l.Name, MaxNameLen, true),
	)
}
