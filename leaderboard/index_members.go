package leaderboard

import (
	"hash/maphash"
	"math/bits"
	"unsafe"
)

// The member table gives every member a 4-byte number (its id) and its name
// a 4-byte reference (its ref). The tree holds refs, not 16-byte string
// headers: a ref orders and identifies a member, and one memory access
// turns it into the name. The table is made of a few large allocations that
// hold no pointers, so the garbage collector never scans it, whatever the
// number of members:
//
//   - records, indexed by id, in chunks of recChunk: the member's score,
//     time, version, state and name ref;
//   - names: every name's bytes once, after a 2-byte length, appended to
//     64 KiB chunks (an arena); a ref is the name's offset. Bytes once
//     written are never written again, so the strings the index returns
//     can share them; freed names are reclaimed by copying the others to
//     new chunks (Index.compactNames). A name longer than maxArenaName is
//     kept as a string in long instead, under a ref with the top bit set;
//   - slots: an open-addressing hash table (linear probing) from name to
//     id. A slot holds the id + 1 (0 is empty) and the name's ref, so that
//     a lookup reads the slot, then the name and the record at once (both
//     addresses come from the slot), rather than one after the other. A
//     slot's home is found by hashing its name again, which growing and
//     deleting (by shifting back) need.
//
// A removed member's record normally stays: a tombstone keeps its version
// (see RemoveVersioned), and a member forgotten by Remove stays "dead"
// until compact frees it, because keys in interior nodes may still name it
// (its ref must not be reused while they do).
const (
	recShift     = 12
	recChunk     = 1 << recShift
	nameShift    = 16
	nameChunk    = 1 << nameShift
	maxArenaName = 1024
	// lenMask keeps the length bits of record.nlen; the top two bits hold
	// the state.
	lenMask = 1<<30 - 1
	// longRef marks the ref of a name kept in long.
	longRef = 1 << 31
)

// Member states, in the top two bits of record.nlen.
const (
	stFree = iota // on the free list, in no slot
	stLive        // in the tree
	stTomb        // removed with a version: kept, with the version
	stDead        // removed and forgotten: awaiting compact
)

// record is one member's entry in the member table: 32 bytes.
type record struct {
	score, at int64
	version   int64
	name      uint32 // the name's ref: arena offset (chunk<<nameShift | offset) of its length, or longRef | key in long
	nlen      uint32 // state<<30 | length
}

func (r *record) state() uint32 { return r.nlen >> 30 }

func (r *record) setState(s uint32) { r.nlen = s<<30 | r.nlen&lenMask }

// members is the member table.
type members struct {
	seed  maphash.Seed
	recs  []*[recChunk]record // chunks allocated one by one: growing never copies records
	nrecs uint32              // ids handed out so far
	free  []uint32            // ids of freed records, for reuse
	slots []uint64
	shift uint8 // 64 - log2(len(slots))
	used  int   // occupied slots: records that are not free
	dead  int   // records in state stDead
	tombs int   // records in state stTomb

	names     [][]byte
	long      map[uint32]string
	nlong     uint32 // long names stored so far
	liveBytes int    // arena bytes of names of records that are not free
	junkBytes int    // arena bytes of names of freed records
}

func newMembers() members {
	const initial = 8
	return members{seed: maphash.MakeSeed(), slots: make([]uint64, initial), shift: 64 - 3}
}

// rec returns the record of id.
func (m *members) rec(id uint32) *record {
	return &m.recs[id>>recShift][id&(recChunk-1)]
}

// name returns id's name.
func (m *members) name(id uint32) string { return m.nameOf(m.rec(id).name) }

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

// slotName returns the name of the member in slot s.
func (m *members) slotName(s uint64) string { return m.nameOf(uint32(s >> 32)) }

// home returns the first slot to probe for a name that hashes to h.
func (m *members) home(h uint64) int {
	return int(h >> m.shift)
}

func (m *members) hash(name string) uint64 {
	return maphash.String(m.seed, name)
}

// find returns name's id and whether the table holds it (in any state but
// free), with the slot it is in or, if absent, the empty slot where it
// would go.
func (m *members) find(name string) (id uint32, slot int, ok bool) {
	mask := len(m.slots) - 1
	for i := m.home(m.hash(name)); ; i = (i + 1) & mask {
		s := m.slots[i]
		if s == 0 {
			return 0, i, false
		}
		if m.slotName(s) == name {
			return uint32(s) - 1, i, true
		}
	}
}

// findRec is find that also returns the record. Like findLive it loads
// the record's state before it compares the name, so that the two cache
// misses overlap; a slot never holds a free record, so the state check
// that keeps the load is always true.
func (m *members) findRec(name string) (id uint32, r *record, slot int, ok bool) {
	mask := len(m.slots) - 1
	for i := m.home(m.hash(name)); ; i = (i + 1) & mask {
		s := m.slots[i]
		if s == 0 {
			return 0, nil, i, false
		}
		id := uint32(s) - 1
		r := m.rec(id)
		st := r.state()
		if m.slotName(s) == name {
			return id, r, i, st != stFree
		}
	}
}

// findLive returns name's id and record if its state is stLive. It
// loads the record before it compares the name, so that the two cache
// misses (record and name) overlap rather than follow each other.
func (m *members) findLive(name string) (uint32, *record, bool) {
	mask := len(m.slots) - 1
	for i := m.home(m.hash(name)); ; i = (i + 1) & mask {
		s := m.slots[i]
		if s == 0 {
			return 0, nil, false
		}
		id := uint32(s) - 1
		r := m.rec(id)
		st := r.state()
		if m.slotName(s) == name {
			return id, r, st == stLive
		}
	}
}

// add stores name in a new record (state stFree, for the caller to set)
// and the table, and returns its id. slot is what find returned.
func (m *members) add(name string, slot int) uint32 {
	if (m.used+1)*4 > len(m.slots)*3 {
		m.grow()
		_, slot, _ = m.find(name)
	}
	var id uint32
	if k := len(m.free); k > 0 {
		id = m.free[k-1]
		m.free = m.free[:k-1]
	} else {
		if m.nrecs == 1<<32-1 {
			panic("leaderboard: an Index holds at most 2^32-1 members")
		}
		id = m.nrecs
		m.nrecs++
		if int(id>>recShift) == len(m.recs) {
			m.recs = append(m.recs, new([recChunk]record))
		}
	}
	r := m.rec(id)
	*r = record{}
	r.name = m.storeName(name)
	r.nlen = uint32(len(name)) & lenMask
	m.slots[slot] = uint64(r.name)<<32 | uint64(id+1)
	m.used++
	return id
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

// grow doubles the table.
func (m *members) grow() {
	m.rehash(2 * len(m.slots))
}

// rehash rebuilds the table with size slots, from the slots it holds.
func (m *members) rehash(size int) {
	old := m.slots
	m.slots = make([]uint64, size)
	m.shift = uint8(64 - bits.TrailingZeros(uint(size)))
	mask := size - 1
	for _, s := range old {
		if s == 0 {
			continue
		}
		i := m.home(m.hash(m.slotName(s)))
		for m.slots[i] != 0 {
			i = (i + 1) & mask
		}
		m.slots[i] = s
	}
}

// release frees id, which must be in the table: it leaves its slot
// (shifting later slots of its cluster back, so that linear probing needs
// no deleted markers) and goes on the free list.
func (m *members) release(id uint32) {
	_, i, ok := m.find(m.name(id))
	if !ok {
		panic("leaderboard: member table lost a member")
	}
	mask := len(m.slots) - 1
	for j := (i + 1) & mask; m.slots[j] != 0; j = (j + 1) & mask {
		// Move slot j back into the hole at i unless its home lies
		// cyclically in (i, j], where it is still reachable.
		h := m.home(m.hash(m.slotName(m.slots[j])))
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			m.slots[i] = m.slots[j]
			i = j
		}
	}
	m.slots[i] = 0
	m.used--
	r := m.rec(id)
	if r.name&longRef != 0 {
		delete(m.long, r.name)
	} else {
		n := int(r.nlen&lenMask) + 2
		m.liveBytes -= n
		m.junkBytes += n
	}
	*r = record{}
	m.free = append(m.free, id)
}
