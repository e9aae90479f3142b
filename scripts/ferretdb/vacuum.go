package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/jackc/pgx/v5"
)

// vacuumInterval: how often the tables are looked at while PostgreSQL's autovacuum is off.
const vacuumInterval = 10 * time.Second

// vacuumWhileAutovacuumOff does autovacuum's work on FerretDB's database when the server has
// autovacuum off (as this project's development machines do): FerretDB writes a new version of a
// whole row for every update, and without VACUUM the dead versions pile up in the table and in
// every index (a product updated for each of thousands of orders kept them all), so every lookup
// slowed as the store grew. Tables are vacuumed on autovacuum's default rule: more dead rows than
// 50 + 20 % of the live ones. The database's own system catalogs too: every collection a test
// creates and drops leaves dead rows in pg_class, pg_attribute and the like (11,544 dead for 329
// live in pg_attribute after an afternoon of test runs), which every new connection and every DDL
// reads through. Returns at once when autovacuum is on.
func vacuumWhileAutovacuumOff(ctx context.Context, postgresqlURL string) {
	conn, err := pgx.Connect(ctx, postgresqlURL)
	if err != nil {
		log.Printf("vacuum: %v", err)
		return
	}
	defer func() { conn.Close(context.Background()) }()

	var autovacuum string
	if err := conn.QueryRow(ctx, "SHOW autovacuum").Scan(&autovacuum); err != nil || autovacuum == "on" {
		return
	}
	log.Printf("PostgreSQL's autovacuum is off: vacuuming FerretDB's tables every %s instead", vacuumInterval)
	ticker := time.NewTicker(vacuumInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			// A connection closed after a failed round (PostgreSQL restarted, the backend was
			// terminated) is replaced.
			if conn.IsClosed() {
				renewed, err := pgx.Connect(ctx, postgresqlURL)
				if err != nil {
					log.Printf("vacuum: %v", err)
					continue
				}
				conn = renewed
			}
			if err := vacuumDeadTables(ctx, conn); err != nil && ctx.Err() == nil {
				log.Printf("vacuum: %v", err)
				conn.Close(ctx) // the next round starts on a new one
			}
		}
	}
}

func vacuumDeadTables(ctx context.Context, conn *pgx.Conn) error {
	// The catalogs shared by all databases (pg_database, pg_authid…) need a superuser; the
	// database's owner may vacuum the rest.
	//
	// Statistics are renewed far less often than autovacuum would (when the rows changed since
	// the last ANALYZE outnumber half the live ones, not a tenth of them: a table that only grows
	// is analyzed each time it doubles): ANALYZE reads and parses a sample of up to 30,000 rows of
	// JSONB, 380 ms of CPU for 20,000 orders, against 66 ms for the VACUUM. They matter still: a
	// table never analyzed since its first rows keeps the shape of those (a customer's orders most
	// of it), which the planner then reads into every query.
	rows, err := conn.Query(ctx, `
		SELECT name, needs_vacuum, needs_analyze FROM (
			SELECT format('%I.%I', s.schemaname, s.relname) AS name,
			       s.n_dead_tup > 50 + 0.2 * s.n_live_tup AS needs_vacuum,
			       s.n_mod_since_analyze > 50 + 0.5 * s.n_live_tup AS needs_analyze
			FROM pg_stat_all_tables s JOIN pg_class c ON c.oid = s.relid
			WHERE s.schemaname NOT IN ('information_schema', 'pg_toast') AND NOT c.relisshared
		) AS tables
		WHERE needs_vacuum OR needs_analyze`)
	if err != nil {
		return err
	}
	type due struct {
		table           string
		vacuum, analyze bool
	}
	tables, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (due, error) {
		var d due
		err := row.Scan(&d.table, &d.vacuum, &d.analyze)
		return d, err
	})
	if err != nil {
		return err
	}
	for _, d := range tables {
		command := "VACUUM"
		switch {
		case d.vacuum && d.analyze:
			command = "VACUUM (ANALYZE)"
		case d.analyze:
			command = "ANALYZE"
		}
		// A table dropped meanwhile (a test's database) is no error worth more than a line.
		if _, err := conn.Exec(ctx, fmt.Sprintf("%s %s", command, d.table)); err != nil && ctx.Err() == nil {
			log.Printf("%s %s: %v", command, d.table, err)
		}
	}
	return nil
}
