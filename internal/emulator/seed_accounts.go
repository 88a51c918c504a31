package emulator

// The checks of one product's accounts in a seed (ParseSeed, ValidateSeed):
// every problem, naming the account, the field and the fix.

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// onlyIn names the products whose accounts may carry field.
func onlyIn(field string) string {
	var names []string
	for _, p := range AllProducts() {
		if slices.Contains(wires[p].accountFlags, field) {
			names = append(names, namesAndPorts[p].name)
		}
	}
	return grantList(names)
}

// checkSeedUsers returns every problem of p's accounts, each naming the
// account and the fix. It fills empty roles with the product's default.
func checkSeedUsers(p Product, users []SeedUser) []string {
	var out []string
	seen := map[string]int{}
	defaultAt := -1
	for i := range users {
		u := &users[i]
		where := fmt.Sprintf("users.%s[%d]", p, i)
		if u.Name != "" {
			where += fmt.Sprintf(" (%q)", u.Name)
		}
		bad := func(field, format string, args ...any) {
			out = append(out, where+": "+field+": "+fmt.Sprintf(format, args...))
		}
		switch {
		case strings.TrimSpace(u.Name) == "":
			bad("name", `is empty: set the account's login name (for a client account, its client_id)`)
		case strings.TrimSpace(u.Name) != u.Name:
			bad("name", "has leading or trailing blanks: remove them")
		case p == AWS && !validUserName(u.Name):
			bad("name", `cannot be used in /api/v1/users/{userId}: remove / \ ? # %% and control characters`)
		case p == EM && !u.Tenant && strings.Contains(u.Name, ":"):
			bad("name", `contains ":", which Basic authentication cannot carry in a user name: rename the account`)
		}
		if u.Name != "" {
			for _, k := range seedNameKeys(p, *u) {
				if j, ok := seen[k]; ok {
					bad("name", "is taken by users.%s[%d] (names are case-insensitive%s): rename one of them", p, j, orchestratorNote(p))
					break
				}
			}
			for _, k := range seedNameKeys(p, *u) {
				if _, ok := seen[k]; !ok {
					seen[k] = i
				}
			}
		}
		if u.Password == "" {
			bad("password", "is empty: set a non-empty password (every login rejects an empty one)")
		}
		if u.Role == "" {
			u.Role = core.DefaultRole(p)
		}
		if p == AWS && !core.ValidAWSRole(u.Role) {
			bad("role", "%q is not a Backup for AWS role: use %q, %q or %q (or leave it out for %s)",
				u.Role, RolePortalAdministrator, RolePortalOperator, RoleRestoreOperator, RolePortalAdministrator)
		}
		flags := map[string]bool{"mfaSecret": u.MFASecret != "", "identityProvider": u.IdentityProvider,
			"serviceAccount": u.ServiceAccount, "client": u.Client, "tenant": u.Tenant}
		for _, f := range []string{"mfaSecret", "identityProvider", "serviceAccount", "client", "tenant"} {
			if flags[f] && !slices.Contains(wires[p].accountFlags, f) {
				bad(f, "only %s accounts have it in the emulator: remove it from this %s account", onlyIn(f), p)
			}
		}
		if u.MFASecret != "" {
			if _, err := core.DecodeSecret(u.MFASecret); err != nil || strings.ContainsAny(u.MFASecret, " \t-") {
				bad("mfaSecret", "%q is not base32: use the secret an authenticator app takes (letters A-Z and digits 2-7, no spaces or dashes), e.g. JBSWY3DPEHPK3PXP", u.MFASecret)
			}
			if u.IdentityProvider {
				bad("mfaSecret", "identity-provider users cannot have MFA (Backup for AWS refuses it): remove mfaSecret or identityProvider")
			}
		}
		if len(u.ScratchCodes) > 0 && u.MFASecret == "" {
			bad("scratchCodes", "are MFA recovery codes and need an mfaSecret: add mfaSecret or remove scratchCodes")
		}
		codes := map[string]bool{}
		for j, c := range u.ScratchCodes {
			switch {
			case len(c) != 8 || strings.Trim(c, "0123456789") != "":
				bad(fmt.Sprintf("scratchCodes[%d]", j), "%q is not 8 digits: use codes like \"79529234\"", c)
			case codes[c]:
				bad(fmt.Sprintf("scratchCodes[%d]", j), "%q is listed twice: each recovery code is single use, list it once", c)
			}
			codes[c] = true
		}
		if u.IsDefault {
			if defaultAt >= 0 {
				bad("isDefault", "users.%s[%d] is already the default account: only one built-in account per product, remove isDefault from one", p, defaultAt)
			} else {
				defaultAt = i
			}
		}
		if len(out) == 0 || !strings.HasPrefix(out[len(out)-1], where+":") {
			// Nothing found above: the store's own checks must agree.
			cp := *u
			if err := core.ValidateSeedUser(p, &cp); err != nil {
				out = append(out, where+": "+strings.TrimPrefix(err.Error(), "emulator: "))
			}
		}
	}
	return out
}

// seedNameKeys are the keys under which the account is found at login: its
// case-folded name and, for an orchestrator user, the name without (or with)
// the VEEAM domain, which the orchestrators treat as the same account.
func seedNameKeys(p Product, u SeedUser) []string {
	k := core.UserKey(u.Name)
	if (p != VRO && p != VAO) || u.Client {
		return []string{k}
	}
	dom := strings.ToLower(OrchestratorDomain) + `\`
	if rest, ok := strings.CutPrefix(k, dom); ok {
		return []string{k, rest}
	}
	if strings.Contains(k, `\`) {
		return []string{k}
	}
	return []string{k, dom + k}
}

func orchestratorNote(p Product) string {
	if p == VRO || p == VAO {
		return `, and NAME is the same account as ` + OrchestratorDomain + `\NAME`
	}
	return ""
}
