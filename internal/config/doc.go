// Package config reads ossec.conf-style configuration (<ossec_config> blocks,
// several of which merge) into typed values with defaults: the ruleset
// selection (Wazuh's <ruleset> and OSSEC's <rules>, with gossec's <engine>:
// the product and release of the original engine the ruleset was written
// for, ParseEngine), <global> and <alerts>.
// It resolves the ordered list of decoder and rule files (wazuh-engine.md
// §9.1) but starts nothing and compiles no rule.
//
// Resolve also returns warnings (Files.Warnings): a <decoder_dir> or
// <rule_dir> whose pattern matches no file of its folder.
//
// Imports: internal/xmlconf, internal/osregex.
package config
