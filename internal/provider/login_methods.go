package provider

import (
	"fmt"
	"slices"
	"strings"
)

// logsInWith says whether one of p's login methods is chosen by attribute a (e.g. client_id).
func (p *product) logsInWith(a string) bool {
	return slices.ContainsFunc(p.logins, func(m loginMethod) bool { return slices.Contains(m.attrs, a) })
}

// preferBlockLogin is the one rule for every product: when the block itself sets a login
// method, the environment's values for the other methods (and their companions) are ignored,
// so VEEAM_<PRODUCT>_* can serve as defaults for one provider configuration while another
// logs in differently.
func (p *product) preferBlockLogin(creds map[string]setting) {
	chosen := slices.IndexFunc(p.logins, func(m loginMethod) bool {
		return slices.ContainsFunc(m.attrs, func(a string) bool { return creds[a].inBlock() })
	})
	if chosen < 0 {
		return
	}
	for i, m := range p.logins {
		if i == chosen {
			continue
		}
		for _, a := range append(slices.Clone(m.attrs), m.with...) {
			if s := creds[a]; s.Value != "" && !s.inBlock() {
				creds[a] = setting{}
			}
		}
	}
}

// checkLoginMethods reports more than one login method, attributes that conflict, and
// attributes of one method set while another logs in. The schema's validators catch what is
// written in the block at plan time; what comes from the environment can only be seen here.
func (p *product) checkLoginMethods(creds map[string]setting) error {
	var set []int
	var first []string // per method in set: its first attribute that is set
	for i, m := range p.logins {
		if j := slices.IndexFunc(m.attrs, func(a string) bool { return creds[a].Value != "" }); j >= 0 {
			set = append(set, i)
			first = append(first, m.attrs[j])
		}
	}
	switch {
	case len(set) == 0 && p.requireLogin:
		return &blockError{Attribute: p.logins[0].attrs[0], Message: "no credentials: " + p.noCredentialsSentence()}
	case len(set) > 1:
		var found []string
		for _, a := range first {
			found = append(found, creds[a].Source.String())
		}
		return &blockError{Attribute: first[1], Message: fmt.Sprintf("set by %s, conflicts with %s (set by %s): they are two ways to log in. %s (found %s)",
			creds[first[1]].Source, first[0], creds[first[0]].Source, p.oneLogin, strings.Join(found, ", "))}
	}
	for _, c := range p.conflicts {
		if a, b := creds[c.first], creds[c.second]; a.Value != "" && b.Value != "" {
			return &blockError{Attribute: c.second, Message: fmt.Sprintf("set by %s, conflicts with %s (set by %s): %s", b.Source, c.first, a.Source, c.advice)}
		}
	}
	if len(set) == 1 {
		for i, m := range p.logins {
			if i == set[0] {
				continue
			}
			for _, a := range m.only {
				if s := creds[a]; s.Value != "" {
					return &blockError{Attribute: a, Message: fmt.Sprintf("set by %s, applies only to the %s login, but the block logs in with %s: remove %s", s.Source, m.attrs[0], first[0], a)}
				}
			}
		}
	}
	return nil
}
