package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pursuit-gov/pursuit"
)

type listsView struct {
	Lists []pursuit.List
}

func (s *Server) listsPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	ls, err := s.store.ListLists(r.Context(), v.customerID(), pursuit.ListOptions{Limit: 500})
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "lists", page{Title: "Lists", Nav: "lists", Data: listsView{Lists: ls}})
	return nil
}

func (s *Server) createList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	l := pursuit.List{CustomerID: v.customerID(), UserID: v.User.UserID, Name: strings.TrimSpace(r.PostFormValue("name"))}
	if err := s.store.CreateList(r.Context(), &l); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/lists/%d", l.ListID), "List created. Add contacts from a search or a contact's page.")
	return nil
}

// addToList adds the checked contacts (contact_id, repeated) to a list
// (list_id) or to a new one (new_list, a name). The store adds only
// contacts the customer can see.
func (s *Server) addToList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	if err := r.ParseForm(); err != nil {
		return pursuit.FieldErrorf(pursuit.EINVALID, "form", "could not be read")
	}
	var ids []int64
	for _, s := range r.PostForm["contact_id"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return pursuit.FieldErrorf(pursuit.EINVALID, "contact_id", "%q is not a contact id", s)
		}
		ids = append(ids, id)
	}
	o, at, err := listAddOrigin(r, ids)
	if err != nil {
		return err
	}
	back := safeNext(r.PostFormValue("back"))
	if back == "" {
		back = "/lists"
	}
	if len(ids) == 0 {
		redirect(w, r, back, "Tick the contacts to add first.")
		return nil
	}
	ctx := r.Context()
	var listID int64
	if name := strings.TrimSpace(r.PostFormValue("new_list")); name != "" {
		l := pursuit.List{CustomerID: v.customerID(), UserID: v.User.UserID, Name: name}
		if err := s.store.CreateList(ctx, &l); err != nil {
			return err
		}
		listID = l.ListID
	} else {
		id, err := strconv.ParseInt(r.PostFormValue("list_id"), 10, 64)
		if err != nil || id <= 0 {
			return pursuit.FieldErrorf(pursuit.EINVALID, "list_id", "choose a list, or name a new one")
		}
		listID = id
	}
	n, err := s.store.AddListItems(ctx, v.customerID(), listID, ids)
	if err != nil {
		return err
	}
	if err := s.recordListAdds(ctx, v, o, ids, at); err != nil {
		return err
	}
	l, err := s.store.GetList(ctx, v.customerID(), listID)
	if err != nil {
		return err
	}
	redirect(w, r, back, fmt.Sprintf("Added %d %s to %q (now %d).", n, pluralWord(n, "contact", "contacts"), l.Name, l.Items))
	return nil
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

type listView struct {
	List pursuit.List
	Rows []contactRow
	Gone int
}

func (s *Server) listPage(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "list_id")
	if err != nil {
		return err
	}
	ctx := r.Context()
	l, err := s.store.GetList(ctx, v.customerID(), id)
	if err != nil {
		return err
	}
	rows, gone, err := s.listRows(r, v, id, pursuit.MaxListItems)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "list", page{Title: l.Name, Nav: "lists", Data: listView{List: l, Rows: rows, Gone: gone}})
	return nil
}

// listRows reads a list's contacts the customer can still see, each
// through ContactAccess and masked as it requires unless revealed; gone
// counts items whose grants were revoked since.
func (s *Server) listRows(r *http.Request, v *viewer, listID int64, limit int) ([]contactRow, int, error) {
	ctx := r.Context()
	var rows []contactRow
	gone := 0
	opt := pursuit.ListOptions{Limit: pursuit.MaxListLimit}
	for len(rows) < limit {
		items, err := s.store.ListItems(ctx, v.customerID(), listID, opt)
		if err != nil {
			return nil, 0, err
		}
		for _, it := range items {
			cv, err := s.visibleContact(ctx, v.customerID(), it.ContactID)
			if pursuit.ErrorCode(err) == pursuit.ENOTFOUND {
				gone++
				continue
			}
			if err != nil {
				return nil, 0, err
			}
			rows = append(rows, cv.Row)
			if len(rows) == limit {
				break
			}
		}
		if len(items) < opt.Limit {
			break
		}
		opt.After = items[len(items)-1].ContactID
	}
	return rows, gone, nil
}

func (s *Server) deleteList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "list_id")
	if err != nil {
		return err
	}
	if err := s.store.DeleteList(r.Context(), v.customerID(), id); err != nil {
		return err
	}
	redirect(w, r, "/lists", "List deleted.")
	return nil
}

func (s *Server) removeFromList(w http.ResponseWriter, r *http.Request, v *viewer) error {
	id, err := pathID(r, "list_id")
	if err != nil {
		return err
	}
	cid, err := strconv.ParseInt(r.PostFormValue("contact_id"), 10, 64)
	if err != nil || cid <= 0 {
		return pursuit.FieldErrorf(pursuit.EINVALID, "contact_id", "is not a contact id")
	}
	if err := s.store.RemoveListItem(r.Context(), v.customerID(), id, cid); err != nil {
		return err
	}
	redirect(w, r, fmt.Sprintf("/lists/%d", id), "Removed from the list.")
	return nil
}
