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

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *addr},
		Handler:       "postgresql",
		PostgreSQLURL: *postgresqlURL,
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
