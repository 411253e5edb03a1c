package password

// Hold makes every operation of h call f while it holds a slot.
func Hold(h *Hasher, f func()) { h.gate.held = f }

// Waiting returns how many callers wait for a slot of h.
func Waiting(h *Hasher) int { return int(h.gate.waiting.Load()) }

// SetCheapLimits lowers the limits on stored hashes so that a fuzzer
// cannot make one call slow.
func SetCheapLimits(h *Hasher) {
	h.limits = limits{
		argon2Memory:      64,
		argon2Time:        2,
		argon2Parallelism: 2,
		pbkdf2Iterations:  100,
		bcryptCost:        4,
	}
}
