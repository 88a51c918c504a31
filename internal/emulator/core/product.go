package core

import "slices"

// Product names one emulated Veeam REST surface.
type Product string

// The emulated products.
const (
	AWS   Product = "aws"   // Veeam Backup for AWS
	VBR   Product = "vbr"   // Veeam Backup & Replication
	VRO   Product = "vro"   // Veeam Recovery Orchestrator
	VAO   Product = "vao"   // Veeam Availability Orchestrator
	EM    Product = "em"    // Veeam Backup Enterprise Manager
	M365  Product = "m365"  // Veeam Backup for Microsoft 365
	ONE   Product = "one"   // Veeam ONE
	SPC   Product = "spc"   // Veeam Service Provider Console
	AZURE Product = "azure" // Veeam Backup for Microsoft Azure
	GCP   Product = "gcp"   // Veeam Backup for Google Cloud
)

// AllProducts returns every product, in a fixed order.
func AllProducts() []Product { return []Product{AWS, VBR, VRO, VAO, EM, M365, ONE, SPC, AZURE, GCP} }

// Valid reports whether p is one of AllProducts.
func (p Product) Valid() bool { return slices.Contains(AllProducts(), p) }
