package emulator

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// stateFile is what Options.StatePath holds: the accounts of every
// product (passwords salted and hashed, MFA secrets in clear). Sessions,
// tokens, codes and counters are memory only.
type stateFile struct {
	Version int                          `json:"version"`
	Users   map[Product]map[string]*user `json:"users"`
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
	e.st.mu.Lock()
	defer e.st.mu.Unlock()
	for p, m := range sf.Users {
		if !p.valid() {
			return false, fmt.Errorf("emulator: state has unknown product %q", p)
		}
		users := map[string]*user{}
		for _, u := range m {
			if u == nil || u.Name == "" {
				continue
			}
			users[userKey(u.Name)] = u
		}
		e.st.users[p] = users
	}
	return true, nil
}

// persistIfDirty saves the state when an account changed since the last save.
func (e *Emulator) persistIfDirty() error {
	if e.opts.StatePath == "" {
		return nil
	}
	e.st.mu.Lock()
	dirty := e.st.dirty
	e.st.mu.Unlock()
	if !dirty {
		return nil
	}
	return e.saveState()
}

// saveState writes the accounts to Options.StatePath atomically.
func (e *Emulator) saveState() error {
	if e.opts.StatePath == "" {
		return nil
	}
	e.persistMu.Lock()
	defer e.persistMu.Unlock()
	e.st.mu.Lock()
	sf := stateFile{Version: 1, Users: map[Product]map[string]*user{}}
	for p, m := range e.st.users {
		cp := map[string]*user{}
		for k, u := range m {
			c := *u
			cp[k] = &c
		}
		sf.Users[p] = cp
	}
	b, err := json.MarshalIndent(sf, "", "  ")
	e.st.dirty = false
	e.st.mu.Unlock()
	if err != nil {
		return fmt.Errorf("emulator: encode state: %w", err)
	}
	return writeFileAtomic(e.opts.StatePath, b, 0o600)
}

// writeFileAtomic writes b to a temporary file beside path and renames it.
func writeFileAtomic(path string, b []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
