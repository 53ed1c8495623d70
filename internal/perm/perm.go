// Package perm holds the permissions of everything faultdrill writes: a
// drill folder keeps evidence that may carry secrets (request headers,
// service logs, data), so only the user who ran the drill may read it.
package perm

import "io/fs"

const (
	// Dir is the mode of every folder faultdrill creates.
	Dir fs.FileMode = 0o700
	// File is the mode of every file faultdrill writes.
	File fs.FileMode = 0o600
)
