package httpapi

import (
	"context"
	"net/http"

	"github.com/pursuit-gov/pursuit"
)

// The admin data routes create, read, replace and delete places, contacts
// and tech_stack rows. Their bodies are the domain types' JSON (the seed's
// column names); an id in the body of a PUT must match the path or be
// absent.

// crud wires the five routes of one table to the store.
type crud[T any] struct {
	idParam string
	list    func(context.Context, pursuit.ListOptions) ([]T, error)
	key     func(*T) *int64
	create  func(context.Context, *T) error
	get     func(context.Context, int64) (T, error)
	update  func(context.Context, *T) error
	del     func(context.Context, int64) error
}

func (c crud[T]) handleList(s *Server) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return servePage(w, r, c.list, func(v T) int64 { return *c.key(&v) })
	}
}

func (c crud[T]) handleCreate(s *Server) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var v T
		if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &v); err != nil {
			return err
		}
		if err := c.create(r.Context(), &v); err != nil {
			return err
		}
		s.notify()
		writeJSON(w, http.StatusCreated, v)
		return nil
	}
}

func (c crud[T]) handleGet(s *Server) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, c.idParam)
		if err != nil {
			return err
		}
		v, err := c.get(r.Context(), id)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

func (c crud[T]) handleUpdate(s *Server) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, c.idParam)
		if err != nil {
			return err
		}
		var v T
		if err := decodeJSON(w, r, s.cfg.MaxBodyBytes, &v); err != nil {
			return err
		}
		if k := c.key(&v); *k != 0 && *k != id {
			return pursuit.FieldErrorf(pursuit.EINVALID, c.idParam, "is %d in the body but %d in the path", *k, id)
		}
		*c.key(&v) = id
		if err := c.update(r.Context(), &v); err != nil {
			return err
		}
		s.notify()
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

func (c crud[T]) handleDelete(s *Server) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		return s.serveDelete(w, r, c.idParam, c.del)
	}
}

func (s *Server) places() crud[pursuit.Place] {
	return crud[pursuit.Place]{
		idParam: "place_id", list: s.store.ListPlaces, key: func(p *pursuit.Place) *int64 { return &p.PlaceID },
		create: s.store.CreatePlace, get: s.store.GetPlace, update: s.store.UpdatePlace, del: s.store.DeletePlace,
	}
}

func (s *Server) contacts() crud[pursuit.Contact] {
	return crud[pursuit.Contact]{
		idParam: "contact_id", list: s.store.ListContacts, key: func(c *pursuit.Contact) *int64 { return &c.ContactID },
		create: s.store.CreateContact, get: s.store.GetContact, update: s.store.UpdateContact, del: s.store.DeleteContact,
	}
}

func (s *Server) techStack() crud[pursuit.TechStack] {
	return crud[pursuit.TechStack]{
		idParam: "tech_stack_id", list: s.store.ListTechStack, key: func(t *pursuit.TechStack) *int64 { return &t.TechStackID },
		create: s.store.CreateTechStack, get: s.store.GetTechStack, update: s.store.UpdateTechStack, del: s.store.DeleteTechStack,
	}
}

func (s *Server) handleListPlaces(w http.ResponseWriter, r *http.Request) error {
	return s.places().handleList(s)(w, r)
}
func (s *Server) handleCreatePlace(w http.ResponseWriter, r *http.Request) error {
	return s.places().handleCreate(s)(w, r)
}
func (s *Server) handleGetPlace(w http.ResponseWriter, r *http.Request) error {
	return s.places().handleGet(s)(w, r)
}
func (s *Server) handleUpdatePlace(w http.ResponseWriter, r *http.Request) error {
	return s.places().handleUpdate(s)(w, r)
}
func (s *Server) handleDeletePlace(w http.ResponseWriter, r *http.Request) error {
	return s.places().handleDelete(s)(w, r)
}

func (s *Server) handleListContacts(w http.ResponseWriter, r *http.Request) error {
	return s.contacts().handleList(s)(w, r)
}
func (s *Server) handleCreateContact(w http.ResponseWriter, r *http.Request) error {
	return s.contacts().handleCreate(s)(w, r)
}
func (s *Server) handleGetContact(w http.ResponseWriter, r *http.Request) error {
	return s.contacts().handleGet(s)(w, r)
}
func (s *Server) handleUpdateContact(w http.ResponseWriter, r *http.Request) error {
	return s.contacts().handleUpdate(s)(w, r)
}
func (s *Server) handleDeleteContact(w http.ResponseWriter, r *http.Request) error {
	return s.contacts().handleDelete(s)(w, r)
}

func (s *Server) handleListTechStack(w http.ResponseWriter, r *http.Request) error {
	return s.techStack().handleList(s)(w, r)
}
func (s *Server) handleCreateTechStack(w http.ResponseWriter, r *http.Request) error {
	return s.techStack().handleCreate(s)(w, r)
}
func (s *Server) handleGetTechStack(w http.ResponseWriter, r *http.Request) error {
	return s.techStack().handleGet(s)(w, r)
}
func (s *Server) handleUpdateTechStack(w http.ResponseWriter, r *http.Request) error {
	return s.techStack().handleUpdate(s)(w, r)
}
func (s *Server) handleDeleteTechStack(w http.ResponseWriter, r *http.Request) error {
	return s.techStack().handleDelete(s)(w, r)
}
