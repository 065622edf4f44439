package postgres

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
)

// dispatcherLockKey is the session advisory lock the feed dispatcher
// holds ("pursuit" + 3).
const dispatcherLockKey int64 = 7075727375697403

// SessionLock is a session-level advisory lock held on a connection of
// its own: exactly one process over the database holds it, and when that
// process dies its connection closes and PostgreSQL releases the lock, so
// the next TryLock of another process wins it.
type SessionLock struct {
	db   *DB
	key  int64
	mu   sync.Mutex
	conn *pgxpool.Conn
}

// DispatcherLock returns the lock that elects the one feed dispatcher.
func (db *DB) DispatcherLock() *SessionLock { return &SessionLock{db: db, key: dispatcherLockKey} }

// TryLock reports whether this process holds the lock, taking it when it
// is free. A held lock is checked with a round trip on its connection;
// a dead connection counts as lost.
func (l *SessionLock) TryLock(ctx context.Context) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		if _, err := l.conn.Exec(ctx, `SELECT 1`); err == nil {
			return true, nil
		}
		l.conn.Conn().Close(context.Background())
		l.conn.Release()
		l.conn = nil
	}
	conn, err := l.db.pool.Acquire(ctx)
	if err != nil {
		return false, dbErr(err)
	}
	var ok bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1)`, l.key).Scan(&ok); err != nil {
		conn.Release()
		return false, dbErr(err)
	}
	if !ok {
		conn.Release()
		return false, nil
	}
	l.conn = conn
	return true, nil
}

// Release gives the lock up.
func (l *SessionLock) Release() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return
	}
	l.conn.Exec(context.Background(), `SELECT pg_advisory_unlock($1)`, l.key)
	l.conn.Release()
	l.conn = nil
}
