package xmlconf

import "errors"

// Placeholder until the parser lands; the xmlconf helper deletes this file.

// Parse reads one file's content.
func Parse(name string, data []byte) ([]*Node, error) {
	return nil, errors.New("xmlconf: not implemented yet")
}

// ParseFile reads and parses a file.
func ParseFile(path string) ([]*Node, error) {
	return nil, errors.New("xmlconf: not implemented yet")
}
