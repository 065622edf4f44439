package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/pursuit-gov/pursuit"
)

const listCols = `l.list_id, l.customer_id, l.user_id, l.name, (SELECT count(*) FROM list_items i WHERE i.list_id = l.list_id), l.created_at, l.updated_at`

func scanList(row pgx.Row) (pursuit.List, error) {
	var v pursuit.List
	var userID *int64
	var items int64
	err := row.Scan(&v.ListID, &v.CustomerID, &userID, &v.Name, &items, &v.CreatedAt, &v.UpdatedAt)
	v.UserID, v.Items, v.CreatedAt, v.UpdatedAt = id(userID), int(items), v.CreatedAt.UTC(), v.UpdatedAt.UTC()
	return v, err
}

// CreateList inserts a list.
func (db *DB) CreateList(ctx context.Context, l *pursuit.List) error {
	if err := l.Validate(); err != nil {
		return err
	}
	v := *l
	v.Items = 0
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		v.CreatedAt, v.UpdatedAt = now, now
		err := tx.QueryRow(ctx, `INSERT INTO lists (list_id, customer_id, user_id, name, created_at, updated_at)
			VALUES (coalesce($1, nextval('lists_list_id_seq')), $2, $3, $4, $5, $5) RETURNING list_id`,
			nullID(v.ListID), v.CustomerID, nullID(v.UserID), v.Name, now).Scan(&v.ListID)
		if isUnique(err) {
			return nameConflict("list", v.Name, err)
		}
		if err != nil {
			return err
		}
		if l.ListID != 0 {
			return bumpSequence(ctx, tx, "lists_list_id_seq", v.ListID)
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
func (db *DB) GetList(ctx context.Context, customerID, lid int64) (pursuit.List, error) {
	v, err := scanList(db.pool.QueryRow(ctx, `SELECT `+listCols+` FROM lists l WHERE l.list_id = $1 AND l.customer_id = $2`, lid, customerID))
	if err != nil {
		return v, notFound(err, "list %d not found", lid)
	}
	return v, nil
}

// RenameList changes a list's name.
func (db *DB) RenameList(ctx context.Context, customerID, lid int64, name string) error {
	l := pursuit.List{ListID: lid, CustomerID: customerID, Name: name}
	if err := l.Validate(); err != nil {
		return err
	}
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, `UPDATE lists SET name = $3, updated_at = $4 WHERE list_id = $1 AND customer_id = $2`, lid, customerID, name, now)
		if isUnique(err) {
			return nameConflict("list", name, err)
		}
		if err == nil && tag.RowsAffected() == 0 {
			return pursuit.Errorf(pursuit.ENOTFOUND, "list %d not found", lid)
		}
		return err
	})
}

// DeleteList deletes a customer's list and its items.
func (db *DB) DeleteList(ctx context.Context, customerID, lid int64) error {
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, `DELETE FROM lists WHERE list_id = $1 AND customer_id = $2`, lid, customerID)
		if err == nil && tag.RowsAffected() == 0 {
			return pursuit.Errorf(pursuit.ENOTFOUND, "list %d not found", lid)
		}
		return err
	})
}

// ListLists pages through a customer's lists.
func (db *DB) ListLists(ctx context.Context, customerID int64, opt pursuit.ListOptions) ([]pursuit.List, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	return collect(ctx, db, scanList, `SELECT `+listCols+` FROM lists l
		WHERE l.customer_id = $1 AND l.list_id > $2 ORDER BY l.list_id LIMIT $3`, customerID, opt.After, n)
}

// AddListItems adds contacts the customer can see to its list. Every
// contact is checked with the rule of ContactAccess (a contact grant or a
// grant of its place) inside the transaction.
func (db *DB) AddListItems(ctx context.Context, customerID, listID int64, contactIDs []int64) (int, error) {
	added := 0
	err := db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		added = 0
		var n int64
		err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM list_items WHERE list_id = l.list_id) FROM lists l
			WHERE l.list_id = $1 AND l.customer_id = $2 FOR UPDATE`, listID, customerID).Scan(&n)
		if err != nil {
			return notFound(err, "list %d not found", listID)
		}
		for _, cid := range contactIDs {
			var placeID *int64
			err := tx.QueryRow(ctx, `SELECT c.place_id FROM contacts c WHERE c.contact_id = $1 AND (
				EXISTS (SELECT 1 FROM customer_contact_relation g WHERE g.customer_id = $2 AND g.contact_id = c.contact_id) OR
				EXISTS (SELECT 1 FROM customer_place_relation g WHERE g.customer_id = $2 AND g.place_id = c.place_id))`,
				cid, customerID).Scan(&placeID)
			if err != nil {
				if errors.Is(err, pgx.ErrNoRows) {
					return pursuit.FieldErrorf(pursuit.ENOTFOUND, "contact_id", "contact %d not found", cid)
				}
				return err
			}
			tag, err := tx.Exec(ctx, `INSERT INTO list_items (list_id, contact_id, place_id, added_at) VALUES ($1, $2, $3, $4)
				ON CONFLICT (list_id, contact_id) DO NOTHING`, listID, cid, *placeID, now)
			if err != nil {
				return err
			}
			added += int(tag.RowsAffected())
		}
		if int(n)+added > pursuit.MaxListItems {
			return pursuit.FieldErrorf(pursuit.ETOOLARGE, "contact_id", "a list holds at most %d contacts; this one would hold %d", pursuit.MaxListItems, int(n)+added)
		}
		if added > 0 {
			_, err = tx.Exec(ctx, `UPDATE lists SET updated_at = $2 WHERE list_id = $1`, listID, now)
		}
		return err
	})
	return added, err
}

// RemoveListItem takes a contact off a customer's list.
func (db *DB) RemoveListItem(ctx context.Context, customerID, listID, contactID int64) error {
	return db.write(ctx, func(tx pgx.Tx, now time.Time) error {
		tag, err := tx.Exec(ctx, `DELETE FROM list_items WHERE list_id = $1 AND contact_id = $2
			AND list_id IN (SELECT list_id FROM lists WHERE customer_id = $3)`, listID, contactID, customerID)
		if err == nil && tag.RowsAffected() == 0 {
			return pursuit.Errorf(pursuit.ENOTFOUND, "contact %d is not on list %d", contactID, listID)
		}
		return err
	})
}

// ListItems pages through the contacts of a customer's list.
func (db *DB) ListItems(ctx context.Context, customerID, listID int64, opt pursuit.ListOptions) ([]pursuit.ListItem, error) {
	n, err := limit(opt)
	if err != nil {
		return nil, err
	}
	if _, err := db.GetList(ctx, customerID, listID); err != nil {
		return nil, err
	}
	return collect(ctx, db, func(row pgx.Row) (pursuit.ListItem, error) {
		var it pursuit.ListItem
		err := row.Scan(&it.ListID, &it.ContactID, &it.AddedAt)
		it.AddedAt = it.AddedAt.UTC()
		return it, err
	}, `SELECT list_id, contact_id, added_at FROM list_items WHERE list_id = $1 AND contact_id > $2 ORDER BY contact_id LIMIT $3`,
		listID, opt.After, n)
}

// RevealedContacts returns which of ids the customer has revealed.
func (db *DB) RevealedContacts(ctx context.Context, customerID int64, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool)
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := collect(ctx, db, func(row pgx.Row) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	}, `SELECT DISTINCT contact_id FROM contact_reveals WHERE customer_id = $1 AND contact_id = ANY($2)`, customerID, ids)
	if err != nil {
		return nil, err
	}
	for _, id := range rows {
		out[id] = true
	}
	return out, nil
}
