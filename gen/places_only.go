package gen

import (
	"fmt"

	"github.com/pursuit-gov/pursuit"
)

// Places returns the places Generate writes for cfg, in place_id order,
// without making contacts or anything else: what CRM matching needs to
// be measured at seed scale in memory (`pursuit bench crm`). cfg.Contacts
// and cfg.Customers do not change the places.
func Places(cfg Config) ([]pursuit.Place, error) {
	if cfg.Contacts == 0 {
		cfg.Contacts = cfg.Places
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	g, err := loadGeo()
	if err != nil {
		return nil, fmt.Errorf("load embedded data: %w", err)
	}
	gn := &generator{cfg: cfg, base: cfg.base(), g: g, domains: make(map[string]bool, cfg.Places), names: map[string]bool{}}
	gn.customers()
	gn.r = gn.stream(1)
	gn.buildPlaces()
	return gn.places, nil
}
