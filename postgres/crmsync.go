package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

// SyncAccountMappings writes one account file's matches into the
// customer's mappings in one transaction (pursuit.CRMStore).
func (db *DB) SyncAccountMappings(ctx context.Context, customerID int64, s pursuit.AccountSync) (pursuit.SyncReport, error) {
	s.Now = s.Now.UTC().Truncate(time.Microsecond)
	s.Rows = append([]pursuit.CustomerMapping(nil), s.Rows...)
	if err := pursuit.ValidateAccountSync(customerID, &s); err != nil {
		return pursuit.SyncReport{}, err
	}
	var plan pursuit.AccountSyncPlan
	err := db.write(ctx, func(tx pgx.Tx, _ time.Time) error {
		// Lock the customer's row: a concurrent delete of the customer
		// waits for this sync or makes it fail cleanly.
		if _, err := scanCustomer(tx.QueryRow(ctx, `SELECT `+customerCols+` FROM customers WHERE customer_id = $1 FOR SHARE`, customerID)); err != nil {
			return notFound(err, "customer %d does not exist", customerID)
		}
		rows, err := tx.Query(ctx, `SELECT `+mappingCols+` FROM customer_mapping WHERE customer_id = $1 ORDER BY customer_mapping_id`, customerID)
		if err != nil {
			return err
		}
		var existing []pursuit.CustomerMapping
		for rows.Next() {
			m, err := scanMapping(rows)
			if err != nil {
				rows.Close()
				return err
			}
			existing = append(existing, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
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
		if len(plan.Delete) > 0 {
			if _, err := tx.Exec(ctx, `DELETE FROM customer_mapping WHERE customer_mapping_id = ANY($1)`, plan.Delete); err != nil {
				return err
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
