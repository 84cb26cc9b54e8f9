package email

import (
	"errors"
	"slices"
	"strings"

	"github.com/gossec/gossec/internal/alert"
	"github.com/gossec/gossec/internal/osregex"
)

// route is one source of recipients: the global <email_to> list (taken
// by alerts whose rule has the mail flag) or one <email_alerts> block.
type route struct {
	global     bool
	to         []string
	format     Format
	level      int
	ids        []int
	group      *osregex.Pattern
	location   *osregex.Pattern
	doNotDelay bool
	doNotGroup bool
}

// rcptSet is a deduplicated recipient list; key identifies the set.
type rcptSet struct {
	key   string
	addrs []string
}

// routed is an alert with the recipients it is due to.
type routed struct {
	sec     *Section
	full    *rcptSet
	sms     *rcptSet
	noDelay bool
	noGroup bool
}

func buildRoutes(c *Config) ([]route, error) {
	var rs []route
	if len(c.To) > 0 {
		rs = append(rs, route{global: true, to: c.To, format: Full})
	}
	for i := range c.Granular {
		g := &c.Granular[i]
		r := route{to: g.To, format: g.Format, level: g.Level, ids: g.RuleIDs,
			doNotDelay: g.DoNotDelay, doNotGroup: g.DoNotGroup}
		var err error
		if g.Group != "" {
			if r.group = g.group; r.group == nil {
				if r.group, err = osregex.Compile(osregex.OSMatch, g.Group); err != nil {
					return nil, err
				}
			}
		}
		if g.Location != "" {
			if r.location = g.location; r.location == nil {
				if r.location, err = osregex.Compile(osregex.OSMatch, g.Location); err != nil {
					return nil, err
				}
			}
		}
		if len(r.to) == 0 {
			return nil, errors.New("an email_alerts block has no email_to")
		}
		rs = append(rs, r)
	}
	if len(rs) == 0 {
		return nil, errors.New("no recipients: set email_to or an email_alerts block")
	}
	return rs, nil
}

// matches reports whether the route takes the alert. Every criterion a
// block sets must match, as in ossec-maild.
func (r *route) matches(a *alert.Alert) bool {
	if r.global {
		return a.Rule.Mail
	}
	if r.location != nil && !r.location.MatchString(a.Event.Location) {
		return false
	}
	if r.level > 0 && a.Rule.Level < r.level {
		return false
	}
	if len(r.ids) > 0 && !slices.Contains(r.ids, a.Rule.ID) {
		return false
	}
	if r.group != nil && !r.group.MatchString(a.Rule.Groups) {
		return false
	}
	return true
}

// route finds the recipients of a. Only alerts with recipients are
// copied, so the common case (no mail) costs no allocation.
func (m *Mailer) route(a *alert.Alert) (routed, bool) {
	var full, sms []string
	var r routed
	hit := false
	for i := range m.routes {
		rt := &m.routes[i]
		if !rt.matches(a) {
			continue
		}
		hit = true
		if rt.format == SMS {
			sms = append(sms, rt.to...)
			continue
		}
		full = append(full, rt.to...)
		r.noDelay = r.noDelay || rt.doNotDelay
		r.noGroup = r.noGroup || rt.doNotGroup
	}
	if !hit {
		return r, false
	}
	r.sec = NewSection(a, m.cfg.Product)
	r.full = newRcptSet(full)
	r.sms = newRcptSet(sms)
	return r, true
}

// newRcptSet sorts and deduplicates addresses (case-insensitively, keeping
// the first spelling); nil when there are none.
func newRcptSet(addrs []string) *rcptSet {
	if len(addrs) == 0 {
		return nil
	}
	slices.SortStableFunc(addrs, func(a, b string) int {
		return strings.Compare(strings.ToLower(a), strings.ToLower(b))
	})
	addrs = slices.CompactFunc(addrs, strings.EqualFold)
	return &rcptSet{key: strings.ToLower(strings.Join(addrs, ",")), addrs: addrs}
}
