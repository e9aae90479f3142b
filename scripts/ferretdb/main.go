// Command ferretdb runs FerretDB v1 embedded, storing data in PostgreSQL, so that the project's
// tests and `npm start` get a real MongoDB-wire server on machines where no mongod can be
// installed. See ../../README.md ("What FerretDB cannot do") for why it exists and its gaps.
//
// `go install github.com/FerretDB/FerretDB/cmd/ferretdb` would build a binary that panics at
// start-up (its version file is not part of the module), hence this small embedding.
//
// Clients do not talk to FerretDB directly: FerretDB listens on a private Unix socket, and this
// program relays each client connection to it, letting at most -max-commands commands run at
// once across all clients. FerretDB v1 answers an update by holding one connection of its
// PostgreSQL pool (50) for the read while it takes a second one for the write, so fifty updates
// at once hung it for good; with at most half as many commands in flight as pool connections,
// one is always free for a write. It is built by build.sh, with the fixes in patches/.
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	postgresqlURL := flag.String(
		"postgresql-url",
		"postgres://ferretdb:ferretdb@127.0.0.1:5432/ferretdb",
		"PostgreSQL database that holds the data (each MongoDB database becomes a schema)",
	)
	maxCommands := flag.Int("max-commands", 40, "commands running at once, across all clients (well below the PostgreSQL pool)")
	unsafeAsyncCommit := flag.Bool(
		"unsafe-async-commit",
		false,
		"acknowledge a write before PostgreSQL has its WAL on disk: faster, and a crash of PostgreSQL loses the last writes acknowledged",
	)
	flag.Parse()

	pgURL, err := tunedURL(*postgresqlURL, 90, *unsafeAsyncCommit)
	if err != nil {
		log.Fatal(err)
	}
	// FerretDB allocates heavily (every document is decoded from JSON and re-encoded) and its live
	// heap is small, so the default GOGC=100 collects every few MB: a fifth of its CPU under load.
	// 400 trades some 100 MB of memory for most of that; GOGC in the environment still decides.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	socket := filepath.Join(os.TempDir(), fmt.Sprintf("ferretdb-%d.sock", os.Getpid()))
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{Unix: socket},
		Handler:       "postgresql",
		PostgreSQLURL: pgURL,
	})
	if err != nil {
		log.Fatal(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan error, 1)
	go func() { done <- f.Run(ctx) }()
	defer os.Remove(socket)

	if err := waitForSocket(ctx, socket, done); err != nil {
		log.Fatal(err)
	}
	listener, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	go func() {
		<-ctx.Done()
		listener.Close()
	}()

	go vacuumWhileAutovacuumOff(ctx, *postgresqlURL)

	log.Printf("ferretdb listening on %s (at most %d commands at once), data in PostgreSQL", *addr, *maxCommands)
	slots := make(chan struct{}, *maxCommands)
	var clients sync.WaitGroup
	for {
		client, err := listener.Accept()
		if err != nil {
			break // closed at shutdown
		}
		clients.Add(1)
		go func() {
			defer clients.Done()
			relay(client, socket, slots)
		}()
	}
	if err := <-done; err != nil && ctx.Err() == nil {
		log.Fatal(err)
	}
}

// tunedURL sets what the URL leaves unsaid:
//   - the size of FerretDB's PostgreSQL pool (pool_max_conns): twice the commands let in (a
//     command holds at most two connections, once patches/ is applied), and below PostgreSQL's
//     default max_connections (100), so that psql and the tests still get in;
//   - no TLS to a PostgreSQL on the loopback interface (sslmode=disable), where it protects
//     nothing: Debian's cluster offers TLS, which pgx then takes, and encrypting every row cost
//     8 % of FerretDB's CPU under load.
//   - connections renewed every few minutes (pool_max_conn_lifetime): a PostgreSQL backend that
//     lives through many tables created and dropped (every test run) keeps growing caches and
//     working through their invalidations, and FerretDB slowed with the age of its pool: POST→final
//     p99 283 ms after an hour of test runs, 144 ms once the connections were new;
//   - commits that wait for their WAL flush (synchronous_commit=on, set on every connection), or
//     with -unsafe-async-commit, that do not (off). By default every write FerretDB acknowledges
//     is on disk, as a MongoDB write with its default concern (w: "majority", journaled) is: the
//     services ack a message once its effect is written and answer 201 once an order is, and a
//     database that forgets the last writes it acknowledged would lose those orders and break
//     every idempotency argument built on it. With asynchronous commits, a crash of PostgreSQL
//     lost orders already answered 201 (tests-e2e/serial/postgres-crash.test.ts, npm run chaos).
//   - no JIT compilation of queries (jit=off): PostgreSQL compiles a query whose estimated cost
//     passes jit_above_cost, and FerretDB's queries on tables seldom ANALYZEd (vacuum.go) are
//     estimated at millions of rows. The list queries that read 20 rows from an index
//     (patches/) took 30–50 ms, 20–44 ms of it compiling them; a scan that JIT would speed up
//     is followed by FerretDB decoding every row in Go anyway.
//   - documents compressed with lz4 rather than pglz (default_toast_compression=lz4): PostgreSQL
//     compresses a row over 2 kB, as an order with its history is (2.8–3 kB as FerretDB stores
//     it), and a count's type check reads each row it counts: counting 10,001 orders took 24 ms
//     with pglz, 15 ms with lz4 (13 uncompressed), and lz4 compresses the writes faster too.
//     PostgreSQL 14 on, built with lz4 (Debian's and the official images are).
func tunedURL(rawURL string, poolSize int, unsafeAsyncCommit bool) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	if !q.Has("pool_max_conns") {
		q.Set("pool_max_conns", fmt.Sprint(poolSize))
	}
	if !q.Has("sslmode") && isLoopback(u.Hostname()) {
		q.Set("sslmode", "disable")
	}
	if !q.Has("pool_max_conn_lifetime") {
		q.Set("pool_max_conn_lifetime", "5m")
		q.Set("pool_max_conn_lifetime_jitter", "1m")
	}
	if !q.Has("jit") {
		q.Set("jit", "off")
	}
	if !q.Has("default_toast_compression") {
		q.Set("default_toast_compression", "lz4")
	}
	if !q.Has("synchronous_commit") {
		// Stated either way, so that a server, database or role default cannot decide it.
		if unsafeAsyncCommit {
			q.Set("synchronous_commit", "off")
		} else {
			q.Set("synchronous_commit", "on")
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// waitForSocket waits until FerretDB accepts connections on its socket, or fails to start.
func waitForSocket(ctx context.Context, socket string, done <-chan error) error {
	for {
		if conn, err := net.Dial("unix", socket); err == nil {
			return conn.Close()
		}
		select {
		case err := <-done:
			return fmt.Errorf("FerretDB stopped at start-up: %w", err)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

const (
	opMsg      = 2013
	moreToCome = 1 << 1
)

// message is one MongoDB wire protocol message, its 16-byte header included.
type message []byte

func (m message) opCode() int32 { return int32(binary.LittleEndian.Uint32(m[12:16])) }

// moreToCome: an OP_MSG that expects no answer (from a client) or is followed by another one
// (from the server).
func (m message) moreToCome() bool {
	return m.opCode() == opMsg && len(m) >= 20 && binary.LittleEndian.Uint32(m[16:20])&moreToCome != 0
}

func readMessage(r io.Reader) (message, error) {
	var header [4]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	length := int(binary.LittleEndian.Uint32(header[:]))
	if length < 16 || length > 48<<20 {
		return nil, fmt.Errorf("wire message of %d bytes", length)
	}
	m := make(message, length)
	copy(m, header[:])
	if _, err := io.ReadFull(r, m[4:]); err != nil {
		return nil, err
	}
	return m, nil
}

// relay passes one client's requests to FerretDB and the answers back, each request holding a
// slot from its arrival at FerretDB to the end of its answer.
func relay(client net.Conn, socket string, slots chan struct{}) {
	defer client.Close()
	server, err := net.Dial("unix", socket)
	if err != nil {
		log.Printf("relay: %v", err)
		return
	}
	defer server.Close()
	for {
		request, err := readMessage(client)
		if err != nil {
			return // the client closed its connection
		}
		slots <- struct{}{}
		err = exchange(server, client, request)
		<-slots
		if err != nil {
			if !errors.Is(err, io.EOF) {
				log.Printf("relay: %v", err)
			}
			return
		}
	}
}

// exchange sends one request and relays its answer (several messages when the server streams).
func exchange(server, client net.Conn, request message) error {
	if _, err := server.Write(request); err != nil {
		return err
	}
	if request.moreToCome() {
		return nil
	}
	for {
		answer, err := readMessage(server)
		if err != nil {
			return err
		}
		if _, err := client.Write(answer); err != nil {
			return err
		}
		if !answer.moreToCome() {
			return nil
		}
	}
}
