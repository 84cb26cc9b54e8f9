package syslog

import "sync"

// queue is a bounded FIFO of rendered messages. When it is full, push
// overwrites the oldest message. Slots keep their buffers, and pop swaps
// the popped buffer for the caller's spare one, so a steady stream moves
// no memory through the allocator.
type queue struct {
	mu     sync.Mutex
	slots  [][]byte
	head   int // index of the oldest message
	n      int
	signal chan struct{} // one pending wake-up for the consumer
}

func newQueue(size int) *queue {
	return &queue{slots: make([][]byte, size), signal: make(chan struct{}, 1)}
}

// push copies msg into the queue; it reports whether the oldest message
// had to be dropped to make room.
func (q *queue) push(msg []byte) (dropped bool) {
	q.mu.Lock()
	if q.n == len(q.slots) {
		q.head = (q.head + 1) % len(q.slots)
		q.n--
		dropped = true
	}
	i := (q.head + q.n) % len(q.slots)
	q.slots[i] = append(q.slots[i][:0], msg...)
	q.n++
	q.mu.Unlock()
	select {
	case q.signal <- struct{}{}:
	default: // a wake-up is already pending
	}
	return dropped
}

// pop returns the oldest message, giving spare to the queue in exchange.
func (q *queue) pop(spare []byte) ([]byte, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n == 0 {
		return spare, false
	}
	msg := q.slots[q.head]
	q.slots[q.head] = spare[:0]
	q.head = (q.head + 1) % len(q.slots)
	q.n--
	return msg, true
}

func (q *queue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.n
}
