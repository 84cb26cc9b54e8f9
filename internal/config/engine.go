package config

import (
	"fmt"
	"strconv"
	"strings"
)

// Product names the original engine a ruleset was written for.
type Product uint8

const (
	// AnyProduct: not named; the ruleset section decides (OSSEC's <rules>
	// gives OSSEC, anything else Wazuh).
	AnyProduct Product = iota
	// ProductWazuh is wazuh-analysisd.
	ProductWazuh
	// ProductOSSEC is ossec-analysisd (ossec-hids).
	ProductOSSEC
)

// String returns the product's name as written in <engine> and --engine.
func (p Product) String() string {
	switch p {
	case ProductWazuh:
		return "wazuh"
	case ProductOSSEC:
		return "ossec"
	}
	return "any"
}

// Engine is the engine (product and release) a ruleset was written for:
// gossec reproduces that release's analysis where releases differ. The
// zero value names nothing: the newest release of the dialect's product.
type Engine struct {
	Product Product
	// Major, Minor, Patch is the release; ignored when Current.
	Major, Minor, Patch int
	// Current is the newest release gossec knows of the product (the
	// default): every version test passes.
	Current bool
}

// The newest releases gossec reproduces, per product: what "current"
// means in the version table (COMPATIBILITY.md).
const (
	NewestWazuh = "4.14.7"
	NewestOSSEC = "4.3.0 (ossec-hids 7f06fe0d, after the 4.2.0 tag)"
)

// ParseEngine reads "PRODUCT-VERSION" (case-insensitive): ossec-2.8,
// ossec-4.2, ossec-current, wazuh-3.13, wazuh-4.9, wazuh-4.14.1,
// wazuh-current. A version may have one to three numbers; missing ones
// are 0. A bare product name means its current release.
func ParseEngine(s string) (Engine, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	name, ver, hasVer := strings.Cut(t, "-")
	var e Engine
	switch name {
	case "wazuh":
		e.Product = ProductWazuh
	case "ossec":
		e.Product = ProductOSSEC
	default:
		return Engine{}, fmt.Errorf("engine %q: unknown product %q, want ossec-VERSION or wazuh-VERSION", s, name)
	}
	if !hasVer || ver == "current" {
		e.Current = true
		return e, nil
	}
	ver = strings.TrimPrefix(ver, "v")
	parts := strings.Split(ver, ".")
	if len(parts) > 3 {
		return Engine{}, fmt.Errorf("engine %q: version %q has more than three numbers", s, ver)
	}
	nums := [3]int{}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > 999 {
			return Engine{}, fmt.Errorf("engine %q: bad version number %q", s, p)
		}
		nums[i] = n
	}
	e.Major, e.Minor, e.Patch = nums[0], nums[1], nums[2]
	if e.Major < 2 {
		// OSSEC's first public rulesets are 2.x; Wazuh forked at 2.0.
		return Engine{}, fmt.Errorf("engine %q: version %q is older than any release gossec knows (2.x)", s, ver)
	}
	return e, nil
}

// String returns the engine as ParseEngine reads it.
func (e Engine) String() string {
	if e.Product == AnyProduct {
		return "default"
	}
	if e.Current {
		return e.Product.String() + "-current"
	}
	if e.Patch != 0 {
		return fmt.Sprintf("%s-%d.%d.%d", e.Product, e.Major, e.Minor, e.Patch)
	}
	return fmt.Sprintf("%s-%d.%d", e.Product, e.Major, e.Minor)
}

// AtLeast reports whether the release is major.minor.patch or later. The
// current release is later than every numbered one.
func (e Engine) AtLeast(major, minor, patch int) bool {
	if e.Current {
		return true
	}
	if e.Major != major {
		return e.Major > major
	}
	if e.Minor != minor {
		return e.Minor > minor
	}
	return e.Patch >= patch
}

// Resolve fills in the defaults: with no product named, the dialect's
// product (OSSEC for a <rules> section, Wazuh otherwise), current release.
func (e Engine) Resolve(d Dialect) Engine {
	if e.Product != AnyProduct {
		return e
	}
	if d == OSSEC {
		return Engine{Product: ProductOSSEC, Current: true}
	}
	return Engine{Product: ProductWazuh, Current: true}
}
