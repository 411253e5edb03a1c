package throttle

// Keys returns how many keys m holds.
func Keys(m *Memory) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.keys)
}
