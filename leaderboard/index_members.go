package leaderboard

import (
	"hash/maphash"
	"math/bits"
	"unsafe"
)

// The member table holds every member's record in an open-addressing hash
// table (linear probing) keyed by name: the record is the slot, so a
// lookup costs the query's hash, one cache miss for the slot, which holds
// the member's score and time, and one for the name it compares. Work
// that needs only the score and time (a rank from the tally, the descent
// to an update's old place) does not wait for the name: the processor
// runs it while the name is still on its way. (A table of 8-byte slots
// that referred to records elsewhere put a third miss, the record, before
// any of that.) The tree holds 4-byte name refs, not 16-byte string
// headers: a ref orders and identifies a member, and one memory access
// turns it into the name. The table is made of a few large allocations
// that hold no pointers, so the garbage collector never scans it, whatever
// the number of members:
//
//   - slots: the records, 32 bytes each: score, time, version, name ref,
//     and state, a tag of the name's hash and the name's length in nlen.
//     A slot whose state is stFree is empty. A record's home slot is found
//     by hashing its name again, which growing and deleting (by shifting
//     back) need. The table grows when it would be more than 3/4 full,
//     to sizes that alternate between powers of two and one and a half
//     times a power of two (a slot's home is the hash scaled to the size,
//     which works for any size), so that it is at least half full, where
//     doubling would leave it 3/8 full: about 50 bytes a member at a
//     million members.
//   - names: every name's bytes once, after a 2-byte length, appended to
//     64 KiB chunks (an arena); a ref is the name's offset. Bytes once
//     written are never written again, so the strings the index returns
//     can share them; freed names are reclaimed by copying the others to
//     new chunks (Index.compactNames). A name longer than maxArenaName is
//     kept as a string in long instead, under a ref with the top bit set.
//
// Records move when the table grows and when a record before them in
// their cluster leaves it, so no pointer to a record is kept beyond the
// operation that found it.
//
// A removed member's record normally stays: a tombstone keeps its version
// (see RemoveVersioned), and a member forgotten by Remove stays "dead"
// until compact frees it, because keys in interior nodes may still name it
// (its ref must not be reused while they do).
const (
	nameShift    = 16
	nameChunk    = 1 << nameShift
	maxArenaName = 1024
	// record.nlen holds, from the top, the member's state (2 bits), a tag
	// of its name's hash (19 bits) and the length of a name kept in the
	// arena (11 bits; 0 for a long name).
	lenMask  = 1<<11 - 1
	tagShift = 11
	tagMask  = (1<<19 - 1) << tagShift
	// longRef marks the ref of a name kept in long.
	longRef = 1 << 31
)

// Member states, in the top two bits of record.nlen.
const (
	stFree = iota // an empty slot
	stLive        // in the tree
	stTomb        // removed with a version: kept, with the version
	stDead        // removed and forgotten: awaiting compact
)

// record is one member's entry in the member table: 32 bytes.
type record struct {
	score, at int64
	version   int64
	name      uint32 // the name's ref: arena offset (chunk<<nameShift | offset) of its length, or longRef | key in long
	nlen      uint32 // state<<30 | tag<<tagShift | length (see lenMask)
}

func (r *record) state() uint32 { return r.nlen >> 30 }

func (r *record) setState(s uint32) { r.nlen = s<<30 | r.nlen&(1<<30-1) }

// tag returns the bits of a name's hash h that its record keeps, in place:
// a lookup compares them before the name, so that a slot of another member
// on the way to the one sought costs no access to that member's name (a
// cache miss). They are low bits of h, where home uses the high ones.
func tag(h uint64) uint32 { return uint32(h) & tagMask }

// members is the member table.
type members struct {
	seed  maphash.Seed
	slots []record
	used  int // occupied slots
	dead  int // records in state stDead
	tombs int // records in state stTomb

	names     [][]byte
	long      map[uint32]string
	nlong     uint32 // long names stored so far
	liveBytes int    // arena bytes of names of records in the table
	junkBytes int    // arena bytes of names of freed records
}

func newMembers() members {
	const initial = 8
	return members{seed: maphash.MakeSeed(), slots: make([]record, initial)}
}

// name returns r's name.
func (m *members) name(r *record) string { return m.nameOf(r.name) }

// nameOf returns the name with ref. The string shares the arena's bytes,
// which are never written again once a name is stored, so it stays valid
// and unchanged for as long as the caller holds it.
func (m *members) nameOf(ref uint32) string {
	if ref&longRef != 0 {
		return m.long[ref]
	}
	c := m.names[ref>>nameShift]
	i := int(ref & (nameChunk - 1))
	n := int(c[i]) | int(c[i+1])<<8
	if n == 0 {
		return ""
	}
	return unsafe.String(&c[i+2], n)
}

// home returns the first slot to probe for a name that hashes to h: h
// scaled to the table's size (the high word of h × size), which spreads
// the hashes evenly over a table of any size.
func (m *members) home(h uint64) int {
	hi, _ := bits.Mul64(h, uint64(len(m.slots)))
	return int(hi)
}

func (m *members) hash(name string) uint64 {
	return maphash.String(m.seed, name)
}

// find returns name's record and slot if the table holds it (in any
// state), or, if absent, false with the empty slot where it would go.
func (m *members) find(name string) (r *record, slot int, ok bool) {
	n := len(m.slots)
	h := m.hash(name)
	t := tag(h)
	for i := m.home(h); ; {
		r := &m.slots[i]
		if r.state() == stFree {
			return nil, i, false
		}
		if r.nlen&tagMask == t && m.nameOf(r.name) == name {
			return r, i, true
		}
		if i++; i == n {
			i = 0
		}
	}
}

// findLive returns name's record if its state is stLive.
func (m *members) findLive(name string) (*record, bool) {
	r, _, ok := m.find(name)
	return r, ok && r.state() == stLive
}

// add stores name in a new record with state st (not stFree) and returns
// it; slot is what find returned. The record is valid until the table
// next changes.
func (m *members) add(name string, slot int, st uint32) *record {
	if (m.used+1)*4 > len(m.slots)*3 {
		m.grow()
		_, slot, _ = m.find(name)
	}
	r := &m.slots[slot]
	*r = record{name: m.storeName(name), nlen: st<<30 | tag(m.hash(name))}
	if r.name&longRef == 0 {
		r.nlen |= uint32(len(name))
	}
	m.used++
	return r
}

// storeName stores name after the arena's last name, or in long, and
// returns its ref.
func (m *members) storeName(name string) uint32 {
	n := len(name)
	if n > maxArenaName {
		if m.long == nil {
			m.long = map[uint32]string{}
		}
		if m.nlong == longRef-1 {
			panic("leaderboard: an Index stores at most 2^31-1 names longer than 1 KiB")
		}
		ref := longRef | m.nlong
		m.nlong++
		m.long[ref] = name
		return ref
	}
	k := len(m.names)
	if k == 0 || len(m.names[k-1])+n+2 > nameChunk {
		if k == longRef>>nameShift {
			panic("leaderboard: an Index holds at most 2 GiB of member names")
		}
		m.names = append(m.names, make([]byte, 0, nameChunk))
		k++
	}
	c := m.names[k-1]
	off := len(c)
	c = append(c, byte(n), byte(n>>8))
	m.names[k-1] = append(c, name...)
	m.liveBytes += n + 2
	return uint32((k-1)<<nameShift | off)
}

// grow enlarges the table: by half from a power of two, to the next power
// of two from one and a half times one.
func (m *members) grow() {
	n := len(m.slots)
	if n&(n-1) == 0 {
		m.rehash(n + n/2)
	} else {
		m.rehash(n / 3 * 4)
	}
}

// rehash rebuilds the table with size slots, from the records it holds.
func (m *members) rehash(size int) {
	old := m.slots
	m.slots = make([]record, size)
	for j := range old {
		r := &old[j]
		if r.state() == stFree {
			continue
		}
		i := m.home(m.hash(m.nameOf(r.name)))
		for m.slots[i].state() != stFree {
			if i++; i == size {
				i = 0
			}
		}
		m.slots[i] = *r
	}
}

// release frees the record in slot i: it leaves the table (shifting later
// slots of its cluster back, so that linear probing needs no deleted
// markers), and its name becomes junk. A record from later in the cluster
// may take slot i.
func (m *members) release(i int) {
	r := m.slots[i]
	n := len(m.slots)
	next := func(j int) int {
		if j++; j == n {
			return 0
		}
		return j
	}
	for j := next(i); m.slots[j].state() != stFree; j = next(j) {
		// Move slot j back into the hole at i unless its home lies
		// cyclically in (i, j], where it is still reachable.
		h := m.home(m.hash(m.nameOf(m.slots[j].name)))
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			m.slots[i] = m.slots[j]
			i = j
		}
	}
	m.slots[i] = record{}
	m.used--
	if r.name&longRef != 0 {
		delete(m.long, r.name)
	} else {
		n := int(r.nlen&lenMask) + 2
		m.liveBytes -= n
		m.junkBytes += n
	}
}
