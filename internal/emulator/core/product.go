package core

import "slices"

// Product names one emulated Veeam REST surface.
type Product string

// The emulated products.
const (
	AWS Product = "aws" // Veeam Backup for AWS
	VBR Product = "vbr" // Veeam Backup & Replication
	VRO Product = "vro" // Veeam Recovery Orchestrator
	VAO Product = "vao" // Veeam Availability Orchestrator
	EM  Product = "em"  // Veeam Backup Enterprise Manager

	AZURE Product = "azure" // Veeam Backup for Microsoft Azure
	GCP   Product = "gcp"   // Veeam Backup for Google Cloud
)

// AllProducts returns every product, in a fixed order.
func AllProducts() []Product { return []Product{AWS, VBR, VRO, VAO, EM, AZURE, GCP} }

// Valid reports whether p is one of AllProducts.
func (p Product) Valid() bool { return slices.Contains(AllProducts(), p) }
