package postgres

import (
	"context"
	"time"

	"github.com/pursuit-gov/pursuit"
)

var _ = time.Time{}

// CreateCustomer is not implemented yet.
func (db *DB) CreateCustomer(ctx context.Context, c *pursuit.Customer) error {
	return errNotImpl
}

// GetCustomer is not implemented yet.
func (db *DB) GetCustomer(ctx context.Context, id int64) (pursuit.Customer, error) {
	return pursuit.Customer{}, errNotImpl
}

// UpdateCustomer is not implemented yet.
func (db *DB) UpdateCustomer(ctx context.Context, c *pursuit.Customer) error {
	return errNotImpl
}

// DeleteCustomer is not implemented yet.
func (db *DB) DeleteCustomer(ctx context.Context, id int64) error {
	return errNotImpl
}

// ListCustomers is not implemented yet.
func (db *DB) ListCustomers(ctx context.Context, opt pursuit.ListOptions) ([]pursuit.Customer, error) {
	return nil, errNotImpl
}

// CreatePlace is not implemented yet.
func (db *DB) CreatePlace(ctx context.Context, p *pursuit.Place) error {
	return errNotImpl
}

// GetPlace is not implemented yet.
func (db *DB) GetPlace(ctx context.Context, id int64) (pursuit.Place, error) {
	return pursuit.Place{}, errNotImpl
}

// UpdatePlace is not implemented yet.
func (db *DB) UpdatePlace(ctx context.Context, p *pursuit.Place) error {
	return errNotImpl
}

// DeletePlace is not implemented yet.
func (db *DB) DeletePlace(ctx context.Context, id int64) error {
	return errNotImpl
}

// ListPlaces is not implemented yet.
func (db *DB) ListPlaces(ctx context.Context, opt pursuit.ListOptions) ([]pursuit.Place, error) {
	return nil, errNotImpl
}

// CreateContact is not implemented yet.
func (db *DB) CreateContact(ctx context.Context, c *pursuit.Contact) error {
	return errNotImpl
}

// GetContact is not implemented yet.
func (db *DB) GetContact(ctx context.Context, id int64) (pursuit.Contact, error) {
	return pursuit.Contact{}, errNotImpl
}

// UpdateContact is not implemented yet.
func (db *DB) UpdateContact(ctx context.Context, c *pursuit.Contact) error {
	return errNotImpl
}

// DeleteContact is not implemented yet.
func (db *DB) DeleteContact(ctx context.Context, id int64) error {
	return errNotImpl
}

// ListContacts is not implemented yet.
func (db *DB) ListContacts(ctx context.Context, opt pursuit.ListOptions) ([]pursuit.Contact, error) {
	return nil, errNotImpl
}

// ListContactsByPlace is not implemented yet.
func (db *DB) ListContactsByPlace(ctx context.Context, placeID int64, opt pursuit.ListOptions) ([]pursuit.Contact, error) {
	return nil, errNotImpl
}

// CreateTechStack is not implemented yet.
func (db *DB) CreateTechStack(ctx context.Context, t *pursuit.TechStack) error {
	return errNotImpl
}

// GetTechStack is not implemented yet.
func (db *DB) GetTechStack(ctx context.Context, id int64) (pursuit.TechStack, error) {
	return pursuit.TechStack{}, errNotImpl
}

// UpdateTechStack is not implemented yet.
func (db *DB) UpdateTechStack(ctx context.Context, t *pursuit.TechStack) error {
	return errNotImpl
}

// DeleteTechStack is not implemented yet.
func (db *DB) DeleteTechStack(ctx context.Context, id int64) error {
	return errNotImpl
}

// ListTechStack is not implemented yet.
func (db *DB) ListTechStack(ctx context.Context, opt pursuit.ListOptions) ([]pursuit.TechStack, error) {
	return nil, errNotImpl
}

// ListTechStackByPlace is not implemented yet.
func (db *DB) ListTechStackByPlace(ctx context.Context, placeID int64) ([]pursuit.TechStack, error) {
	return nil, errNotImpl
}

// CreateCustomerMapping is not implemented yet.
func (db *DB) CreateCustomerMapping(ctx context.Context, m *pursuit.CustomerMapping) error {
	return errNotImpl
}

// GetCustomerMapping is not implemented yet.
func (db *DB) GetCustomerMapping(ctx context.Context, id int64) (pursuit.CustomerMapping, error) {
	return pursuit.CustomerMapping{}, errNotImpl
}

// UpdateCustomerMapping is not implemented yet.
func (db *DB) UpdateCustomerMapping(ctx context.Context, m *pursuit.CustomerMapping) error {
	return errNotImpl
}

// DeleteCustomerMapping is not implemented yet.
func (db *DB) DeleteCustomerMapping(ctx context.Context, id int64) error {
	return errNotImpl
}

// ListCustomerMappings is not implemented yet.
func (db *DB) ListCustomerMappings(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerMapping, error) {
	return nil, errNotImpl
}

// FindCustomerMapping is not implemented yet.
func (db *DB) FindCustomerMapping(ctx context.Context, customerID int64, externalCRMID string) (pursuit.CustomerMapping, error) {
	return pursuit.CustomerMapping{}, errNotImpl
}

// PutPlaceGrant is not implemented yet.
func (db *DB) PutPlaceGrant(ctx context.Context, g *pursuit.CustomerPlaceRelation) error {
	return errNotImpl
}

// GetPlaceGrant is not implemented yet.
func (db *DB) GetPlaceGrant(ctx context.Context, customerID, placeID int64) (pursuit.CustomerPlaceRelation, error) {
	return pursuit.CustomerPlaceRelation{}, errNotImpl
}

// DeletePlaceGrant is not implemented yet.
func (db *DB) DeletePlaceGrant(ctx context.Context, customerID, placeID int64) error {
	return errNotImpl
}

// ListPlaceGrants is not implemented yet.
func (db *DB) ListPlaceGrants(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerPlaceRelation, error) {
	return nil, errNotImpl
}

// PutContactGrant is not implemented yet.
func (db *DB) PutContactGrant(ctx context.Context, g *pursuit.CustomerContactRelation) error {
	return errNotImpl
}

// GetContactGrant is not implemented yet.
func (db *DB) GetContactGrant(ctx context.Context, customerID, contactID int64) (pursuit.CustomerContactRelation, error) {
	return pursuit.CustomerContactRelation{}, errNotImpl
}

// DeleteContactGrant is not implemented yet.
func (db *DB) DeleteContactGrant(ctx context.Context, customerID, contactID int64) error {
	return errNotImpl
}

// ListContactGrants is not implemented yet.
func (db *DB) ListContactGrants(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.CustomerContactRelation, error) {
	return nil, errNotImpl
}

// ContactAccess is not implemented yet.
func (db *DB) ContactAccess(ctx context.Context, customerID, contactID int64) (string, error) {
	return "", errNotImpl
}

// PlaceAccess is not implemented yet.
func (db *DB) PlaceAccess(ctx context.Context, customerID, placeID int64) (string, error) {
	return "", errNotImpl
}

// CreateAPIKey is not implemented yet.
func (db *DB) CreateAPIKey(ctx context.Context, k *pursuit.APIKey) error {
	return errNotImpl
}

// APIKeyByHash is not implemented yet.
func (db *DB) APIKeyByHash(ctx context.Context, h []byte) (pursuit.APIKey, error) {
	return pursuit.APIKey{}, errNotImpl
}

// ListAPIKeys is not implemented yet.
func (db *DB) ListAPIKeys(ctx context.Context) ([]pursuit.APIKey, error) {
	return nil, errNotImpl
}

// RevokeAPIKey is not implemented yet.
func (db *DB) RevokeAPIKey(ctx context.Context, id int64, at time.Time) error {
	return errNotImpl
}

// RevealContact is not implemented yet.
func (db *DB) RevealContact(ctx context.Context, r *pursuit.Reveal) (charged bool, err error) {
	return false, errNotImpl
}

// ListReveals is not implemented yet.
func (db *DB) ListReveals(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.Reveal, error) {
	return nil, errNotImpl
}

// Bulk is not implemented yet.
func (db *DB) Bulk(ctx context.Context, fn func(pursuit.BulkWriter) error) error {
	return errNotImpl
}

// Changes is not implemented yet.
func (db *DB) Changes(ctx context.Context, after int64, limit int) ([]pursuit.Change, error) {
	return nil, errNotImpl
}

// LastSeq is not implemented yet.
func (db *DB) LastSeq(ctx context.Context) (int64, error) {
	return 0, errNotImpl
}

// ScanCustomers is not implemented yet.
func (db *DB) ScanCustomers(ctx context.Context, fn func(pursuit.Customer) error) error {
	return errNotImpl
}

// ScanPlaces is not implemented yet.
func (db *DB) ScanPlaces(ctx context.Context, fn func(pursuit.Place) error) error {
	return errNotImpl
}

// ScanContacts is not implemented yet.
func (db *DB) ScanContacts(ctx context.Context, fn func(pursuit.Contact) error) error {
	return errNotImpl
}

// ScanTechStack is not implemented yet.
func (db *DB) ScanTechStack(ctx context.Context, fn func(pursuit.TechStack) error) error {
	return errNotImpl
}

// ScanPlaceGrants is not implemented yet.
func (db *DB) ScanPlaceGrants(ctx context.Context, fn func(pursuit.CustomerPlaceRelation) error) error {
	return errNotImpl
}

// ScanContactGrants is not implemented yet.
func (db *DB) ScanContactGrants(ctx context.Context, fn func(pursuit.CustomerContactRelation) error) error {
	return errNotImpl
}

// ScanCustomerMappings is not implemented yet.
func (db *DB) ScanCustomerMappings(ctx context.Context, fn func(pursuit.CustomerMapping) error) error {
	return errNotImpl
}

// ScanKeys is not implemented yet.
func (db *DB) ScanKeys(ctx context.Context, table string, fn func(int64) error) error {
	return errNotImpl
}

// Count is not implemented yet.
func (db *DB) Count(ctx context.Context, table string) (int64, error) {
	return 0, errNotImpl
}

var errNotImpl = pursuit.Errorf(pursuit.ENOTIMPL, "postgres store: not implemented yet")

// Migrate is not implemented yet.
func (db *DB) Migrate(ctx context.Context) ([]int, error) { return nil, errNotImpl }
