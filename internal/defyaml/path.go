package defyaml

import (
	"strconv"
	"strings"
)

// Path names a value twice: by its path in the Go value being built (Prog,
// as that value's Validate names it) and by its path as written in the
// file (File). They differ where the file groups things differently from
// the Go value, or where a key is written in another spelling.
type Path struct{ Prog, File string }

// Key returns the path of the value under key prog (in Go) and file (as
// written) of the mapping at p.
func (p Path) Key(prog, file string) Path {
	return Path{JoinPath(p.Prog, prog), JoinPath(p.File, file)}
}

// Index returns the path of item i of the list at p.
func (p Path) Index(i int) Path {
	s := "[" + strconv.Itoa(i) + "]"
	return Path{p.Prog + s, p.File + s}
}

// JoinPath returns base.name, or name alone when base is the root ("").
func JoinPath(base, name string) string {
	if base == "" {
		return name
	}
	return base + "." + name
}

// ParentPath strips the last ".name" or "[i]" from path; the parent of a
// top-level name is the root, "".
func ParentPath(path string) string {
	i := max(strings.LastIndexByte(path, '.'), strings.LastIndexByte(path, '['))
	if i < 0 {
		return ""
	}
	return path[:i]
}
