package sqlite

import (
	"context"
	"database/sql"

	"github.com/pursuit-gov/pursuit"
)

// SyncAccountMappings writes one account file's matches into the
// customer's mappings in one transaction (pursuit.CRMStore).
func (db *DB) SyncAccountMappings(ctx context.Context, customerID int64, s pursuit.AccountSync) (pursuit.SyncReport, error) {
	s.Now = normTime(s.Now)
	s.Rows = append([]pursuit.CustomerMapping(nil), s.Rows...)
	if err := pursuit.ValidateAccountSync(customerID, &s); err != nil {
		return pursuit.SyncReport{}, err
	}
	var plan pursuit.AccountSyncPlan
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := getOne(ctx, tx, scanCustomer, "customer", customerID, `SELECT `+customerCols+` FROM customers WHERE customer_id = ?`, customerID); err != nil {
			return err
		}
		existing, err := all(ctx, tx, scanMapping, `SELECT `+mappingCols+` FROM customer_mapping WHERE customer_id = ? ORDER BY customer_mapping_id`, customerID)
		if err != nil {
			return err
		}
		plan = pursuit.PlanAccountSync(existing, &s)
		for i := range plan.Insert {
			if err := insertMapping(ctx, tx, &plan.Insert[i]); err != nil {
				return &pursuit.RowError{Row: rowOf(s.Rows, plan.Insert[i].ExternalCRMID), Err: err}
			}
		}
		for i := range plan.Update {
			if err := updateMapping(ctx, tx, &plan.Update[i]); err != nil {
				return &pursuit.RowError{Row: rowOf(s.Rows, plan.Update[i].ExternalCRMID), Err: err}
			}
		}
		for _, id := range plan.Delete {
			if _, err := tx.ExecContext(ctx, `DELETE FROM customer_mapping WHERE customer_mapping_id = ?`, id); err != nil {
				return dbErr(err)
			}
		}
		return nil
	})
	if err != nil {
		return pursuit.SyncReport{}, err
	}
	return plan.Report, nil
}

// rowOf returns the index of the row with external id id.
func rowOf(rows []pursuit.CustomerMapping, id string) int {
	for i := range rows {
		if rows[i].ExternalCRMID == id {
			return i
		}
	}
	return -1
}
