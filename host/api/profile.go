package api

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/cifbridge/cif-bridge/host/session"
	"github.com/cifbridge/cif-bridge/host/store"
	"github.com/cifbridge/cif-bridge/protocol/errcode"
)

// profile is one browser profile's open state: its sessions, and the
// file they are saved in. hello opens it.
type profile struct {
	id        string
	file      *store.File
	manager   *session.Manager
	persister *session.Persister
	stateDir  string
}

// open locks and loads a profile's state. An unreadable state file is
// moved aside and logged, and the profile starts empty.
func (c *Conn) open(id string) (*profile, error) {
	file, err := store.Open(c.cfg.Dirs.ProfilesDir(), id)
	if err != nil {
		return nil, errcode.Errorf(errcode.StateUnavailable, "cannot open the state of profile %s: %v; check that %s is writable", id, err, c.cfg.Dirs.State)
	}
	if err := file.Lock(c.cfg.LockWait); err != nil {
		if errors.Is(err, store.ErrBusy) {
			return nil, errcode.Errorf(errcode.ProfileBusy, "%v (state %s); close the other browser window using this profile, or wait for the old host to exit, then retry", err, file.Path())
		}
		return nil, errcode.Errorf(errcode.StateUnavailable, "cannot lock the state of profile %s: %v", id, err)
	}
	state, version, rewrite, err := c.load(file)
	if err != nil {
		file.Close()
		return nil, err
	}
	p := &profile{id: id, file: file, stateDir: c.cfg.Dirs.State}
	p.manager = session.New(state, session.Options{
		Catalog:     c.cfg.Catalog,
		MaxSessions: c.cfg.Settings.MaxSessions,
		MaxTabs:     c.cfg.Settings.MaxTabsPerSession,
		OrgURL:      c.cfg.Settings.OrganizationURL,
		OData:       odataSlugs(c.cfg.Records, c.log.With("profile", id)),
		Version:     version,
		Now:         c.cfg.Now,
		Emit:        c.emit,
	})
	p.persister = session.NewPersister(p.manager, file, rewrite)
	return p, nil
}

// load reads a profile's snapshot and journal; rewrite says that the
// first save should write a snapshot (there is none, or the journal ended
// in a torn record a crash left).
func (c *Conn) load(file *store.File) (_ *session.State, _ uint64, rewrite bool, _ error) {
	data, err := file.Load()
	if err != nil {
		return nil, 0, false, errcode.Errorf(errcode.StateUnavailable, "cannot read %s: %v; check its permissions", file.Path(), err)
	}
	records, torn, err := file.Journal()
	if err != nil {
		return nil, 0, false, errcode.Errorf(errcode.StateUnavailable, "cannot read the journal beside %s: %v; check its permissions", file.Path(), err)
	}
	if torn {
		c.log.Warn("the state's journal ends in a torn record, as a crash leaves it; it is left out", "records", len(records))
	}
	state, version, err := session.Decode(data, records)
	if err == nil {
		return state, version, data == nil || torn, nil
	}
	if data == nil && len(records) == 0 {
		return nil, 0, false, errcode.Errorf(errcode.StateUnavailable, "the state beside %s is unreadable (%v); move it away by hand", file.Path(), err)
	}
	aside, qerr := file.Quarantine(c.cfg.Now())
	if qerr != nil {
		return nil, 0, false, errcode.Errorf(errcode.StateUnavailable, "%s is unreadable (%v) and could not be moved aside (%v); move it away by hand", file.Path(), err, qerr)
	}
	c.log.Error("state file unreadable; moved it aside and started with no sessions", "error", err, "movedTo", aside)
	return &session.State{}, 0, true, nil
}

// stored is the barrier of a reply that reports the state at a version.
type stored struct {
	p       *profile
	version uint64
	mutated bool // the request itself changed the state
}

func (p *profile) stored(version uint64, mutated bool) stored {
	return stored{p: p, version: version, mutated: mutated}
}

func (s stored) Done() bool { return s.p.persister.Saved(s.version) }

// Wait saves the state the reply reports. A save that failed undid the
// change, and fails its reply; a reply that changed nothing goes out as it
// is.
func (s stored) Wait() error {
	err := s.p.persister.WaitDurable(s.version)
	if err == nil || !s.mutated {
		return nil
	}
	return errcode.Errorf(errcode.StateUnavailable, "the change could not be saved (%v), so it was undone; check the disk space and permissions of %s, then try again", err, s.p.stateDir)
}

// close saves whatever is not yet saved and releases the profile.
func (p *profile) close(log *slog.Logger) {
	if p == nil {
		return
	}
	if err := p.persister.WaitDurable(p.manager.Version()); err != nil {
		log.Error("final save failed; the last changes are lost", "error", err)
	}
	if err := p.file.Close(); err != nil {
		log.Warn("releasing the profile lock", "error", fmt.Errorf("close %s: %w", p.file.Path(), err))
	}
}
