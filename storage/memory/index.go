package memory

import (
	"bytes"
	"slices"

	"github.com/google/uuid"
)

// chunkSize bounds the chunks of an index. Inserting shifts at most one
// chunk, so an out-of-order key costs O(chunkSize), not O(n).
const chunkSize = 512

// index is a sorted set of keys kept as a list of sorted chunks (a B+tree
// of depth two). It gives ordered iteration from any key for keyset paging
// and cheap inserts at any position; UUIDv7 keys mostly append.
type index[K any] struct {
	cmp    func(a, b K) int
	chunks [][]K
	n      int // number of keys
}

func newIndex[K any](cmp func(a, b K) int) *index[K] { return &index[K]{cmp: cmp} }

func compareUUID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

// chunkFor returns the chunk that holds k or would receive it: the first
// chunk whose last key is >= k, or the last chunk.
func (x *index[K]) chunkFor(k K) int {
	lo, hi := 0, len(x.chunks)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		c := x.chunks[m]
		if x.cmp(c[len(c)-1], k) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(x.chunks) {
		lo--
	}
	return lo
}

// search returns the position of k in c, or where it would go.
func (x *index[K]) search(c []K, k K) (int, bool) {
	return slices.BinarySearchFunc(c, k, x.cmp)
}

// insert adds k and reports false if it was already present.
func (x *index[K]) insert(k K) bool {
	if len(x.chunks) == 0 {
		x.chunks = append(x.chunks, []K{k})
		x.n++
		return true
	}
	ci, c, j := len(x.chunks)-1, x.chunks[len(x.chunks)-1], 0
	if x.cmp(c[len(c)-1], k) < 0 {
		// Past the end: the usual case for UUIDv7 keys made by one
		// process, and a cache-friendly one (the last chunk is hot).
		j = len(c)
	} else {
		ci = x.chunkFor(k)
		c = x.chunks[ci]
		var found bool
		if j, found = x.search(c, k); found {
			return false
		}
	}
	if len(c) >= chunkSize {
		if j == len(c) && ci == len(x.chunks)-1 {
			// Appending past the end (the usual case for UUIDv7): start a
			// new chunk rather than leave two half-full ones. An index
			// that has filled one chunk will fill this one too, so it
			// gets its full size at once rather than growing through
			// ten copies.
			c := make([]K, 1, chunkSize)
			c[0] = k
			x.chunks = append(x.chunks, c)
			x.n++
			return true
		}
		half := len(c) / 2
		right := make([]K, len(c)-half, chunkSize)
		copy(right, c[half:])
		clear(c[half:])
		c = c[:half]
		x.chunks[ci] = c
		x.chunks = slices.Insert(x.chunks, ci+1, right)
		if j > half {
			ci, c, j = ci+1, right, j-half
		}
	}
	x.chunks[ci] = slices.Insert(c, j, k)
	x.n++
	return true
}

// remove deletes k and reports whether it was present.
func (x *index[K]) remove(k K) bool {
	if len(x.chunks) == 0 {
		return false
	}
	ci := x.chunkFor(k)
	c := x.chunks[ci]
	j, found := x.search(c, k)
	if !found {
		return false
	}
	c = slices.Delete(c, j, j+1)
	x.n--
	if len(c) == 0 {
		x.chunks = slices.Delete(x.chunks, ci, ci+1)
	} else {
		x.chunks[ci] = c
	}
	return true
}

// size returns the number of keys; a nil index holds none.
func (x *index[K]) size() int {
	if x == nil {
		return 0
	}
	return x.n
}

// empty reports whether the index holds no key.
func (x *index[K]) empty() bool { return len(x.chunks) == 0 }

// ascend calls yield with each key after the key `after` (every key when
// first is true), in order, until yield returns false.
func (x *index[K]) ascend(after K, first bool, yield func(K) bool) {
	ci, j := 0, 0
	if !first {
		if len(x.chunks) == 0 {
			return
		}
		ci = x.chunkFor(after)
		var found bool
		j, found = x.search(x.chunks[ci], after)
		if found {
			j++
		}
	}
	for ; ci < len(x.chunks); ci, j = ci+1, 0 {
		c := x.chunks[ci]
		for ; j < len(c); j++ {
			if !yield(c[j]) {
				return
			}
		}
	}
}

// descend calls yield with each key before the key `before` (every key
// when last is true), in reverse order, until yield returns false.
func (x *index[K]) descend(before K, last bool, yield func(K) bool) {
	if len(x.chunks) == 0 {
		return
	}
	ci := len(x.chunks) - 1
	j := len(x.chunks[ci]) - 1
	if !last {
		ci = x.chunkFor(before)
		j, _ = x.search(x.chunks[ci], before)
		j-- // the last key < before; found or not
	}
	for ci >= 0 {
		c := x.chunks[ci]
		for ; j >= 0; j-- {
			if !yield(c[j]) {
				return
			}
		}
		ci--
		if ci >= 0 {
			j = len(x.chunks[ci]) - 1
		}
	}
}
