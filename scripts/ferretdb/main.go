// Command ferretdb runs FerretDB v1 embedded, storing data in PostgreSQL, so that the project's
// tests and `npm start` get a real MongoDB-wire server on machines where no mongod can be
// installed. See ../../README.md ("The database") for why it exists and what it cannot do.
//
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb` would build a binary that panics at
// start-up (its version file is not part of the module), hence this small embedding.
package main

import (
	"context"
	"flag"
	"log"
	"net/url"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	postgresqlURL := flag.String(
		"postgresql-url",
		"postgres://ferretdb:ferretdb@127.0.0.1:5432/ferretdb",
		"PostgreSQL database that holds the data (each MongoDB database becomes a schema)",
	)
	flag.Parse()

	pgURL, err := withPoolLimit(*postgresqlURL)
	if err != nil {
		log.Fatal(err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *addr},
		Handler:       "postgresql",
		PostgreSQLURL: pgURL,
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	log.Printf("ferretdb listening on %s, data in PostgreSQL", *addr)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}

// withPoolLimit sets FerretDB's PostgreSQL pool size, unless the URL sets it (pool_max_conns).
//
// FerretDB v1 answers an update by holding one pool connection for its read while it takes a
// second one for its write. With its default pool of 50, fifty updates at once (from all its
// clients together) each hold one and wait for another: FerretDB hangs for good. With a pool
// larger than PostgreSQL's own max_connections, the second connection is refused by PostgreSQL
// instead, that command fails at once with an error the client retries, and the rest go on.
func withPoolLimit(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	if !q.Has("pool_max_conns") {
		q.Set("pool_max_conns", "1000")
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}
