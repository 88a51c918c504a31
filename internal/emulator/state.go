package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/tfveeam/terraform-provider-veeam/internal/atomicfile"
	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// stateFile is what Options.StatePath holds: the accounts of every
// product (passwords salted and hashed, MFA secrets in clear). Sessions,
// tokens, codes and counters are memory only.
type stateFile struct {
	Version int                                  `json:"version"`
	Users   map[Product]map[string]*core.Account `json:"users"`
}

// loadState reads Options.StatePath; it reports false when there is none.
func (e *Emulator) loadState() (bool, error) {
	if e.opts.StatePath == "" {
		return false, nil
	}
	b, err := os.ReadFile(e.opts.StatePath)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("emulator: read state: %w", err)
	}
	var sf stateFile
	if err := json.Unmarshal(b, &sf); err != nil {
		return false, fmt.Errorf("emulator: parse state %s: %w", e.opts.StatePath, err)
	}
	if sf.Version != 1 {
		return false, fmt.Errorf("emulator: state %s has unknown version %d", e.opts.StatePath, sf.Version)
	}
	for p := range sf.Users {
		if !p.Valid() {
			return false, fmt.Errorf("emulator: state has unknown product %q", p)
		}
	}
	for p, users := range sf.Users {
		e.st.Restore(p, users)
	}
	return true, nil
}

// persistIfDirty saves the state when an account changed since the last
// save. It holds persistMu while it looks at the dirty flag: a save that is
// still being written (by another request) may hold this request's change,
// and this request must not be acknowledged before that write is durable.
func (e *Emulator) persistIfDirty() error {
	if e.opts.StatePath == "" {
		return nil
	}
	e.persistMu.Lock()
	defer e.persistMu.Unlock()
	if !e.st.Dirty() {
		return nil
	}
	return e.saveStateLocked()
}

// persistBeforeAnswer is run by the middleware just before a response's
// status line is written: an acknowledged change is on disk (fsynced) before
// the client can see the acknowledgement. A failure is logged; the answer
// still goes out (the change is in memory, and the next change retries the
// save).
func (e *Emulator) persistBeforeAnswer() {
	if err := e.persistIfDirty(); err != nil {
		e.log.Error("saving state", "error", err.Error())
	}
}

// saveState writes the accounts to Options.StatePath atomically.
func (e *Emulator) saveState() error {
	if e.opts.StatePath == "" {
		return nil
	}
	e.persistMu.Lock()
	defer e.persistMu.Unlock()
	return e.saveStateLocked()
}

// saveStateLocked writes the accounts; the caller holds persistMu. When the
// write fails the state stays dirty, so the next request tries again.
func (e *Emulator) saveStateLocked() error {
	sf := stateFile{Version: 1, Users: e.st.Snapshot()}
	b, err := json.MarshalIndent(sf, "", "  ")
	if err == nil {
		err = atomicfile.WriteFile(e.opts.StatePath, b, 0o600)
	} else {
		err = fmt.Errorf("emulator: encode state: %w", err)
	}
	if err != nil {
		e.st.MarkDirty()
		return fmt.Errorf("emulator: save state %s: %w", e.opts.StatePath, err)
	}
	return nil
}
