//go:build !linux

package password

// runInBackground runs f. Only on Linux can one thread lower its own
// priority; elsewhere hashing runs at the priority of the process.
func runInBackground(f func()) { f() }
