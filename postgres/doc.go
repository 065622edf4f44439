// Package postgres is the PostgreSQL implementation of pursuit.Store, built
// on pgx. It embeds its numbered migrations, partitions places by state and
// contacts by place, records every change in change_log with database
// triggers, and loads bulk data with COPY.
package postgres
