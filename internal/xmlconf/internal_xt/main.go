package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gossec/gossec/internal/xmlconf"
)

func main() {
	var files []string
	for _, g := range os.Args[1:] {
		m, _ := filepath.Glob(g)
		files = append(files, m...)
	}
	t := time.Now()
	n := 0
	for _, f := range files {
		roots, err := xmlconf.ParseFile(f)
		if err != nil {
			fmt.Println("ERR", err)
			continue
		}
		n += len(roots)
	}
	fmt.Println(len(files), "files", n, "roots", time.Since(t))
}
