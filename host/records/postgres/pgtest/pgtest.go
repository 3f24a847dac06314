// Package pgtest runs a throwaway PostgreSQL cluster for tests and
// benchmarks: initdb in a temporary folder, listening only on a Unix
// socket in that folder, started with pg_ctl and removed at the end. It
// uses the server binaries of Debian's postgresql package
// (/usr/lib/postgresql/<version>/bin, which are not on PATH), or those
// named by $CIF_PG_BIN, or initdb on PATH.
//
// initdb and postgres refuse to run as root. Run as root (as CI is), the
// cluster's commands run as the postgres system user that Debian's
// package creates, through the process credentials of os/exec (as
// runuser would), and the temporary folder is given to that user; the
// test process, being root, can still use the socket. As any other user
// they run as that user.
//
// Without PostgreSQL, Require skips the test with a loud message, and
// fails it when CIF_E2E=require (as CI sets).
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrNotInstalled is returned when no PostgreSQL server binaries are
// found.
var ErrNotInstalled = errors.New("PostgreSQL's server is not installed: install Debian's postgresql package (apt-get install postgresql), or set CIF_PG_BIN to the folder of initdb and pg_ctl")

// Options change the cluster.
type Options struct {
	// Durable keeps fsync on, for benchmarks whose writes must cost what
	// they cost on a real server. Tests run without it, which is faster.
	Durable bool
	// MaxConnections is the server's max_connections (default 200).
	MaxConnections int
}

// Cluster is a running throwaway cluster.
type Cluster struct {
	dir  string // owned by the cluster's user: data/, the socket, the log
	bin  string
	user *osUser // nil: run as this process's user
	n    atomic.Int64
	mu   sync.Mutex
}

// Bin finds the server binaries' folder.
func Bin() (string, error) {
	if d := os.Getenv("CIF_PG_BIN"); d != "" {
		return d, nil
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	slices.SortFunc(found, func(a, b string) int { return version(b) - version(a) })
	if len(found) > 0 {
		return filepath.Dir(found[0]), nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	return "", ErrNotInstalled
}

func version(initdb string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(filepath.Dir(initdb))))
	return n
}

// New starts a cluster. Stop it (and remove it) with Stop.
func New(o Options) (*Cluster, error) {
	bin, err := Bin()
	if err != nil {
		return nil, err
	}
	if o.MaxConnections == 0 {
		o.MaxConnections = 200
	}
	u, err := clusterUser()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "cif-pg-")
	if err != nil {
		return nil, fmt.Errorf("making the cluster's folder: %w", err)
	}
	c := &Cluster{dir: dir, bin: bin, user: u}
	if err := c.give(dir); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.initdb(o); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := c.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return c, nil
}

// give hands a path to the cluster's user.
func (c *Cluster) give(path string) error {
	if c.user == nil {
		return nil
	}
	if err := os.Chown(path, c.user.uid, c.user.gid); err != nil {
		return fmt.Errorf("giving %s to the postgres user: %w", path, err)
	}
	return nil
}

// run runs one of the server's programs as the cluster's user.
func (c *Cluster) run(name string, args ...string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(c.bin, name), args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "PGTZ=UTC")
	c.user.apply(cmd)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, out)
	}
	return nil
}

func (c *Cluster) data() string { return filepath.Join(c.dir, "data") }

func (c *Cluster) initdb(o Options) error {
	args := []string{"-D", c.data(), "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"}
	if !o.Durable {
		args = append(args, "--no-sync")
	}
	if err := c.run("initdb", args...); err != nil {
		return err
	}
	conf := fmt.Sprintf("\nlisten_addresses = ''\nunix_socket_directories = '%s'\nport = 5432\nmax_connections = %d\ntimezone = 'UTC'\n",
		c.dir, o.MaxConnections)
	if !o.Durable {
		conf += "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
	}
	f, err := os.OpenFile(filepath.Join(c.data(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("configuring the cluster: %w", err)
	}
	_, err = f.WriteString(conf)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("configuring the cluster: %w", err)
	}
	// The role "agent" logs in with a password, as a team's agents do;
	// everyone else is trusted on the socket.
	hba := "local all agent scram-sha-256\nlocal all all trust\n"
	if err := os.WriteFile(filepath.Join(c.data(), "pg_hba.conf"), []byte(hba), 0o600); err != nil {
		return fmt.Errorf("configuring the cluster's logins: %w", err)
	}
	return c.give(filepath.Join(c.data(), "pg_hba.conf"))
}

// Start starts the server (again, after Stop), waiting until it accepts
// connections.
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.run("pg_ctl", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-w", "-t", "60", "start")
}

// Stop stops the server, fast (it ends the connections), keeping its
// files for Start.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.run("pg_ctl", "-D", c.data(), "-m", "fast", "-w", "-t", "60", "stop")
}

// Remove stops the server and removes its files.
func (c *Cluster) Remove() error {
	err := c.Stop()
	if rerr := os.RemoveAll(c.dir); err == nil {
		err = rerr
	}
	return err
}

// Socket is the folder of the server's Unix socket.
func (c *Cluster) Socket() string { return c.dir }

// URL is the connection string of a database as a user, without a
// password.
func (c *Cluster) URL(user, database string) string {
	u := url.URL{Scheme: "postgres", User: url.User(user), Path: "/" + database}
	u.RawQuery = url.Values{"host": {c.dir}, "port": {"5432"}}.Encode()
	return u.String()
}

// Admin runs a statement as the superuser, in database postgres.
func (c *Cluster) Admin(ctx context.Context, stmt string, args ...any) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres", "postgres"))
	if err != nil {
		return fmt.Errorf("connecting to the test cluster: %w", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, stmt, args...); err != nil {
		return fmt.Errorf("%s: %w", stmt, err)
	}
	return nil
}

// NewDatabase makes an empty database owned by the password role
// "agent" (password "agent-secret") and returns its name.
func (c *Cluster) NewDatabase(ctx context.Context) (string, error) {
	name := fmt.Sprintf("org_%d_%d", os.Getpid(), c.n.Add(1))
	if err := c.Admin(ctx, `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'agent') THEN CREATE ROLE agent LOGIN PASSWORD 'agent-secret'; END IF; END $$`); err != nil {
		return "", err
	}
	if err := c.Admin(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" OWNER agent"); err != nil {
		return "", err
	}
	return name, nil
}

// Password is the password of the role "agent".
const Password = "agent-secret"

// shared is the test process's cluster, started by the first Require.
var shared struct {
	once    sync.Once
	cluster *Cluster
	err     error
}

// Require returns the test process's cluster, starting it on first use
// (Main removes it), or skips the test loudly when PostgreSQL is not
// installed (fails it with CIF_E2E=require).
func Require(tb testing.TB) *Cluster {
	tb.Helper()
	shared.once.Do(func() { shared.cluster, shared.err = New(Options{}) })
	if shared.err != nil {
		msg := "SKIPPING the PostgreSQL tests: " + shared.err.Error()
		if os.Getenv("CIF_E2E") == "require" || !errors.Is(shared.err, ErrNotInstalled) {
			tb.Fatal(msg + " (CIF_E2E=require makes a missing PostgreSQL fail)")
		}
		fmt.Fprintln(os.Stderr, msg)
		tb.Skip(msg)
	}
	return shared.cluster
}

// Main runs a package's tests and removes the cluster Require started;
// call it from TestMain.
func Main(m *testing.M) int {
	code := m.Run()
	if shared.cluster != nil {
		if err := shared.cluster.Remove(); err != nil {
			fmt.Fprintln(os.Stderr, "removing the test cluster:", err)
		}
	}
	return code
}

// Database makes a new database in the shared cluster for one test and
// returns its URL as the password role "agent" (the password is
// Password, from PGPASSWORD or a file).
func Database(tb testing.TB) string {
	tb.Helper()
	c := Require(tb)
	name, err := c.NewDatabase(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	return c.URL("agent", name)
}
