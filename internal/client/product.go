package client

// Product names one of the Veeam REST surfaces by its short name (aws, vbr, ...). Each product's
// flavor file declares its constant and its Flavor, which registers its title (see registered).
type Product string

// titles are the products' names as Veeam writes them, registered by the flavors.
var titles = map[Product]string{}

// registered records f's title for Product.Title and returns f.
func registered(f *Flavor) *Flavor {
	titles[f.Product] = f.Title
	return f
}

// Title is the product's name as Veeam writes it.
func (p Product) Title() string {
	if t, ok := titles[p]; ok {
		return t
	}
	return string(p)
}
