package emulator

// The domain types live in package core (no HTTP); these names keep the
// emulator's API as it was.

import (
	"fmt"
	"time"

	"github.com/tfveeam/terraform-provider-veeam/internal/emulator/core"
)

// Product names one emulated Veeam REST surface.
type Product = core.Product

// The emulated products.
const (
	AWS   = core.AWS   // Veeam Backup for AWS
	VBR   = core.VBR   // Veeam Backup & Replication
	VRO   = core.VRO   // Veeam Recovery Orchestrator
	VAO   = core.VAO   // Veeam Availability Orchestrator
	EM    = core.EM    // Veeam Backup Enterprise Manager
	M365  = core.M365  // Veeam Backup for Microsoft 365
	ONE   = core.ONE   // Veeam ONE
	SPC   = core.SPC   // Veeam Service Provider Console
	AZURE = core.AZURE // Veeam Backup for Microsoft Azure
	GCP   = core.GCP   // Veeam Backup for Google Cloud
)

// AllProducts returns every product, in a fixed order.
func AllProducts() []Product { return core.AllProducts() }

// SeedUser describes an account the emulator knows at start (Options.Seed)
// or gets through AddUser.
type SeedUser = core.SeedUser

// Seed is the set of accounts each product starts with.
type Seed = core.Seed

// UserState is a read-only copy of an account, for tests and the control API.
type UserState = core.UserState

// AWSUserState is the state of a Backup for AWS account.
type AWSUserState = UserState

// Principal is who an authenticated request acts for.
type Principal = core.Principal

// Counters is a snapshot of what one product's listener has served.
type Counters = core.Counters

// Clock is the emulator's notion of "now" (see core.Clock).
type Clock = core.Clock

// NewClock returns a frozen clock that reads t until Advance moves it.
func NewClock(t time.Time) *Clock { return core.NewClock(t) }

// NewRealClock returns a clock that follows time.Now (plus whatever Advance
// adds).
func NewRealClock() *Clock { return core.NewRealClock() }

// TOTPCode returns the 6-digit code of the base32 secret at t, as an
// authenticator application would show it (SHA1, 30 s, 6 digits).
func TOTPCode(secret string, t time.Time) (string, error) { return core.TOTPCode(secret, t) }

// The Backup for AWS roles.
const (
	RolePortalAdministrator = core.RolePortalAdministrator
	RolePortalOperator      = core.RolePortalOperator
	RoleRestoreOperator     = core.RoleRestoreOperator
)

// DefaultSeed returns the accounts the emulator starts with when
// Options.Seed is nil:
//
//	aws: administrator/Password1 (Portal Administrator, isDefault),
//	     operator/Password1 (Portal Operator),
//	     restore/Password1 (Restore Operator),
//	     sara_baker@companymail.com/Admin345Dept01 (identity-provider user)
//	vbr, vro, em: administrator/Password1
//	vbr: administrator is a service account; jsmith/Password1 (Veeam Backup
//	     Operator, MFA enabled, not a service account)
//	vro: client account terraform-client/Client-Secret1 (client_credentials)
//	em: tenant01/Password1 (a tenant: LoginSpec logon only)
//	vao: VEEAM\administrator/Password1
//	m365, one, spc: administrator/Password1
//	m365: restore operator operator01.tenant01 (assertion Operator-Assertion1)
//	      and application terraform-app (assertion App-Assertion1), which log
//	      in with the operator and jwt-bearer grants (see m365.go)
//	azure: administrator/Password1 (PortalAdmin, isDefault),
//	     operator/Password1 (PortalOperator)
//	gcp: administrator/Password1 (Administrator); jsmith/Password1 (MFA
//	     enabled: Backup for Google Cloud's per-user MFA endpoints are not
//	     published, so an MFA account comes from the seed)
func DefaultSeed() *Seed {
	return &Seed{Users: map[Product][]SeedUser{
		AWS: {
			{Name: "administrator", Password: "Password1", Role: RolePortalAdministrator, IsDefault: true, Description: "Default administrator"},
			{Name: "operator", Password: "Password1", Role: RolePortalOperator, Description: "Portal operator"},
			{Name: "restore", Password: "Password1", Role: RoleRestoreOperator, Description: "Restore operator"},
			{Name: "sara_baker@companymail.com", Password: "Admin345Dept01", Role: RolePortalAdministrator, IdentityProvider: true, Description: "Identity provider user"},
		},
		VBR: {
			{Name: "administrator", Password: "Password1", Role: "Veeam Backup Administrator", IsDefault: true, ServiceAccount: true},
			{Name: "jsmith", Password: "Password1", Role: "Veeam Backup Operator", MFASecret: "JBSWY3DPEHPK3PXP"},
		},
		VRO: {
			{Name: "administrator", Password: "Password1", Role: "Administrator", IsDefault: true},
			{Name: "terraform-client", Password: "Client-Secret1", Role: "Administrator", Client: true, Description: "Client account of administrator"},
		},
		AZURE: {
			{Name: "administrator", Password: "Password1", Role: "PortalAdmin", IsDefault: true, Description: "Default administrator"},
			{Name: "operator", Password: "Password1", Role: "PortalOperator", Description: "Portal operator"},
		},
		GCP: {
			{Name: "administrator", Password: "Password1", Role: "Administrator", IsDefault: true},
			{Name: "jsmith", Password: "Password1", Role: "Administrator", MFASecret: "JBSWY3DPEHPK3PXP"},
		},
		VAO: {{Name: `VEEAM\administrator`, Password: "Password1", Role: "Administrator", IsDefault: true}},
		EM: {
			{Name: "administrator", Password: "Password1", Role: "Portal Administrator", IsDefault: true},
			{Name: "tenant01", Password: "Password1", Role: "Tenant", Tenant: true, Description: "Cloud Connect tenant"},
		},
		M365: {
			{Name: "administrator", Password: "Password1", Role: "Administrator", IsDefault: true},
			{Name: M365SeedOperator, Password: "Operator-Assertion1", Role: M365RoleRestoreOperator, Description: "Restore operator (grant_type=operator: client_id userId.tenantId, assertion)"},
			{Name: M365SeedApplication, Password: "App-Assertion1", Role: M365RoleApplication, Description: "Application (grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer: client_id, assertion)"},
		},
		ONE: {{Name: "administrator", Password: "Password1", Role: "Admin", IsDefault: true}},
		SPC: {{Name: "administrator", Password: "Password1", Role: "Portal Administrator", IsDefault: true}},
	}}
}

// applySeed adds the seed's users; the store must be empty of them.
func (e *Emulator) applySeed() error {
	for _, p := range AllProducts() {
		for _, u := range e.seed.Users[p] {
			if err := core.ValidateSeedUser(p, &u); err != nil {
				return err
			}
			if err := e.st.AddUser(p, u); err != nil {
				return fmt.Errorf("emulator: seed user %s/%s: %w", p, u.Name, err)
			}
		}
	}
	for p := range e.seed.Users {
		if !p.Valid() {
			return fmt.Errorf("emulator: seed for unknown product %q", p)
		}
	}
	return nil
}

// AddUser adds an account to product p. It fails when the name is taken
// (names are case-insensitive), the product is unknown or the role is not
// one of the product's roles.
func (e *Emulator) AddUser(p Product, u SeedUser) error {
	if err := core.ValidateSeedUser(p, &u); err != nil {
		return err
	}
	if err := e.st.AddUser(p, u); err != nil {
		return fmt.Errorf("emulator: add %s user %q: %w", p, u.Name, err)
	}
	return e.saveState()
}

// User returns a copy of product p's account called name.
func (e *Emulator) User(p Product, name string) (UserState, bool) { return e.st.User(p, name) }

// AWSUser returns a copy of the Backup for AWS account called name,
// including its MFA state and current secret.
func (e *Emulator) AWSUser(name string) (AWSUserState, bool) { return e.st.User(AWS, name) }

// Sessions returns the principals of p's logon sessions that still hold a
// token (access or refresh) that works now.
func (e *Emulator) Sessions(p Product) []Principal {
	return e.st.LiveSessions(p, e.clock.Now())
}

// Counters returns a snapshot of p's counters. The caller owns the copy.
func (e *Emulator) Counters(p Product) Counters { return e.st.Counters(p) }
