package client

// Product names one of the Veeam REST surfaces by its short name (aws, vbr, ...).
type Product string

const (
	AWS Product = "aws" // Veeam Backup for AWS
	VBR Product = "vbr" // Veeam Backup & Replication
	VRO Product = "vro" // Veeam Recovery Orchestrator
	VAO Product = "vao" // Veeam Availability Orchestrator
	EM  Product = "em"  // Veeam Backup Enterprise Manager
)

// Title is the product's name as Veeam writes it.
func (p Product) Title() string {
	switch p {
	case AWS:
		return "Veeam Backup for AWS"
	case VBR:
		return "Veeam Backup & Replication"
	case VRO:
		return "Veeam Recovery Orchestrator"
	case VAO:
		return "Veeam Availability Orchestrator"
	case EM:
		return "Veeam Backup Enterprise Manager"
	}
	return string(p)
}
