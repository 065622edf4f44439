package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/pursuit-gov/pursuit"
)

const listCols = `l.list_id, l.customer_id, l.user_id, l.name, (SELECT count(*) FROM list_items i WHERE i.list_id = l.list_id), l.created_at, l.updated_at`

func scanList(s scanner) (pursuit.List, error) {
	var v pursuit.List
	var userID, created, updated sql.NullInt64
	err := s.Scan(&v.ListID, &v.CustomerID, &userID, &v.Name, &v.Items, &created, &updated)
	v.UserID, v.CreatedAt, v.UpdatedAt = userID.Int64, fromMicros(created), fromMicros(updated)
	return v, err
}

// visibleContactSQL is true for a contact the customer can see: the rule of
// ContactAccess (a contact grant or a grant of its place).
const visibleContactSQL = `EXISTS (SELECT 1 FROM contacts c WHERE c.contact_id = ? AND (
	EXISTS (SELECT 1 FROM customer_contact_relation g WHERE g.customer_id = ? AND g.contact_id = c.contact_id) OR
	EXISTS (SELECT 1 FROM customer_place_relation g WHERE g.customer_id = ? AND g.place_id = c.place_id)))`

// CreateList inserts a list.
func (db *DB) CreateList(ctx context.Context, l *pursuit.List) error {
	if err := l.Validate(); err != nil {
		return err
	}
	v := *l
	v.Items = 0
	v.CreatedAt = db.now()
	v.UpdatedAt = v.CreatedAt
	err := db.write(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO lists (list_id, customer_id, user_id, name, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?) RETURNING list_id`,
			nullID(v.ListID), v.CustomerID, nullID(v.UserID), v.Name, micros(v.CreatedAt), micros(v.UpdatedAt)).Scan(&v.ListID)
		if isUnique(err) {
			return nameConflict("list", v.Name, err)
		}
		if err != nil {
			return writeErr(ctx, tx, err, pursuit.TableLists, "", "",
				ref{"customer_id", pursuit.TableCustomers, v.CustomerID}, ref{"user_id", pursuit.TableUsers, v.UserID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// GetList returns a customer's list with its item count.
func (db *DB) GetList(ctx context.Context, customerID, id int64) (pursuit.List, error) {
	return getOne(ctx, db.r, scanList, "list", id, `SELECT `+listCols+` FROM lists l WHERE l.list_id = ? AND l.customer_id = ?`, id, customerID)
}

// RenameList changes a list's name.
func (db *DB) RenameList(ctx context.Context, customerID, id int64, name string) error {
	l := pursuit.List{ListID: id, CustomerID: customerID, Name: name}
	if err := l.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE lists SET name = ?, updated_at = ? WHERE list_id = ? AND customer_id = ?`,
			name, micros(db.now()), id, customerID)
		if isUnique(err) {
			return nameConflict("list", name, err)
		}
		if err != nil {
			return dbErr(err)
		}
		return affected(res, "list", id)
	})
}

// DeleteList deletes a customer's list and its items.
func (db *DB) DeleteList(ctx context.Context, customerID, id int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM lists WHERE list_id = ? AND customer_id = ?`, id, customerID)
		if err != nil {
			return dbErr(err)
		}
		return affected(res, "list", id)
	})
}

// ListLists pages through a customer's lists.
func (db *DB) ListLists(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.List, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	return all(ctx, db.r, scanList, `SELECT `+listCols+` FROM lists l
		WHERE l.customer_id = ? AND l.list_id > ? ORDER BY l.list_id LIMIT ?`, customerID, opt.After, limit)
}

// AddListItems adds contacts the customer can see to its list.
func (db *DB) AddListItems(ctx context.Context, customerID, listID int64, contactIDs []int64) (int, error) {
	added := 0
	err := db.write(ctx, func(tx *sql.Tx) error {
		added = 0
		var n int
		err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM list_items WHERE list_id = l.list_id) FROM lists l
			WHERE l.list_id = ? AND l.customer_id = ?`, listID, customerID).Scan(&n)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("list", listID)
		}
		if err != nil {
			return dbErr(err)
		}
		now := micros(db.now())
		for _, id := range contactIDs {
			var visible bool
			if err := tx.QueryRowContext(ctx, `SELECT `+visibleContactSQL, id, customerID, customerID).Scan(&visible); err != nil {
				return dbErr(err)
			}
			if !visible {
				return pursuit.FieldErrorf(pursuit.ENOTFOUND, "contact_id", "contact %d not found", id)
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO list_items (list_id, contact_id, added_at) VALUES (?, ?, ?)
				ON CONFLICT (list_id, contact_id) DO NOTHING`, listID, id, now)
			if err != nil {
				return dbErr(fmt.Errorf("add contact %d to list %d: %w", id, listID, err))
			}
			k, _ := res.RowsAffected()
			added += int(k)
		}
		if n+added > pursuit.MaxListItems {
			return pursuit.FieldErrorf(pursuit.ETOOLARGE, "contact_id", "a list holds at most %d contacts; this one would hold %d", pursuit.MaxListItems, n+added)
		}
		if added > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE lists SET updated_at = ? WHERE list_id = ?`, now, listID); err != nil {
				return dbErr(err)
			}
		}
		return nil
	})
	return added, err
}

// RemoveListItem takes a contact off a customer's list.
func (db *DB) RemoveListItem(ctx context.Context, customerID, listID, contactID int64) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM list_items WHERE list_id = ? AND contact_id = ?
			AND list_id IN (SELECT list_id FROM lists WHERE customer_id = ?)`, listID, contactID, customerID)
		if err != nil {
			return dbErr(err)
		}
		return affected(res, "list item", contactID)
	})
}

// ListItems pages through the contacts of a customer's list.
func (db *DB) ListItems(ctx context.Context, customerID, listID int64, opt pursuit.ListOptions) ([]pursuit.ListItem, error) {
	limit, err := pageLimit(opt)
	if err != nil {
		return nil, err
	}
	if _, err := db.GetList(ctx, customerID, listID); err != nil {
		return nil, err
	}
	return all(ctx, db.r, func(s scanner) (pursuit.ListItem, error) {
		var it pursuit.ListItem
		var at sql.NullInt64
		err := s.Scan(&it.ListID, &it.ContactID, &at)
		it.AddedAt = fromMicros(at)
		return it, err
	}, `SELECT list_id, contact_id, added_at FROM list_items WHERE list_id = ? AND contact_id > ? ORDER BY contact_id LIMIT ?`,
		listID, opt.After, limit)
}

// RevealedContacts returns which of ids the customer has revealed.
func (db *DB) RevealedContacts(ctx context.Context, customerID int64, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool)
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := make([]any, 0, len(chunk)+1)
		args = append(args, customerID)
		marks := make([]byte, 0, 2*len(chunk))
		for i, id := range chunk {
			if i > 0 {
				marks = append(marks, ',')
			}
			marks = append(marks, '?')
			args = append(args, id)
		}
		err := each(ctx, db.r, scanInt64, func(id int64) error { out[id] = true; return nil },
			`SELECT DISTINCT contact_id FROM contact_reveals WHERE customer_id = ? AND contact_id IN (`+string(marks)+`)`, args...)
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
