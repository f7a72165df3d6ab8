//! Open-addressing tables keyed by hashes: record identities ([`crate::corpus::identity_key`])
//! and account ids ([`crate::corpus::account_key`]).
//!
//! A scan checks every record against a table of millions, in input order, on one thread.
//! Each check is a cache miss, and with the parsing threads streaming memory beside it a
//! miss costs hundreds of nanoseconds. These tables say where a key's slot is, so the scan
//! can ask for it a few records ahead ([`KeySet::prefetch`]) and the misses overlap. The
//! keys are uniform hashes already: a key's low bits are its slot, probed linearly.

/// Loads past this share of the slots double the table. Three quarters keeps a table of
/// ten million identities at 256 MiB, about what a SwissTable takes, while a probe
/// mostly stays within the prefetched cache line or the next.
const MAX_LOAD_NUMERATOR: usize = 3;
const MAX_LOAD_DENOMINATOR: usize = 4;

fn slots_for(items: usize) -> usize {
    (items.max(8) * MAX_LOAD_DENOMINATOR / MAX_LOAD_NUMERATOR).next_power_of_two()
}

#[inline]
fn prefetch_slot<T>(slot: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch only hints the cache; it reads nothing and cannot fault.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((slot as *const T).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = slot;
}

/// A set of 128-bit hashes. The zero key is kept beside the slots, zero marking a free one.
#[derive(Debug, Clone)]
pub struct KeySet {
    slots: Vec<u128>,
    has_zero: bool,
    len: usize,
}

impl Default for KeySet {
    fn default() -> Self {
        KeySet { slots: vec![0; slots_for(0)], has_zero: false, len: 0 }
    }
}

impl KeySet {
    /// Room for `items` keys without growing (growing holds the old and new slots at once).
    pub fn reserve(&mut self, items: usize) {
        if slots_for(self.len + items) > self.slots.len() {
            self.rebuild(slots_for(self.len + items));
        }
    }

    /// Keys held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn home(&self, key: u128) -> usize {
        (key as usize) & (self.slots.len() - 1)
    }

    /// Brings `key`'s slot into the cache ahead of an [`KeySet::insert`] of it.
    #[inline]
    pub fn prefetch(&self, key: u128) {
        prefetch_slot(&self.slots[self.home(key)]);
    }

    /// Adds `key`; whether it was new.
    pub fn insert(&mut self, key: u128) -> bool {
        if key == 0 {
            let new = !self.has_zero;
            self.has_zero = true;
            self.len += usize::from(new);
            return new;
        }
        if (self.len + 1) * MAX_LOAD_DENOMINATOR > self.slots.len() * MAX_LOAD_NUMERATOR {
            self.rebuild(self.slots.len() * 2);
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            match self.slots[i] {
                0 => {
                    self.slots[i] = key;
                    self.len += 1;
                    return true;
                }
                k if k == key => return false,
                _ => i = (i + 1) & mask,
            }
        }
    }

    /// Whether `key` is held.
    pub fn contains(&self, key: u128) -> bool {
        if key == 0 {
            return self.has_zero;
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        loop {
            match self.slots[i] {
                0 => return false,
                k if k == key => return true,
                _ => i = (i + 1) & mask,
            }
        }
    }

    fn rebuild(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![0; slots]);
        let mask = slots - 1;
        for key in old.into_iter().filter(|&k| k != 0) {
            let mut i = self.home(key);
            while self.slots[i] != 0 {
                i = (i + 1) & mask;
            }
            self.slots[i] = key;
        }
    }
}

/// One slot of a [`KeyMap`]: `value` [`KeyMap::FREE`] marks a free slot. The key keeps
/// 96 of its 128 bits, so a slot takes 16 bytes, as a [`KeySet`]'s does: two of a hundred
/// million keys share 96 bits with a chance of one in ten trillion.
#[derive(Debug, Clone, Copy)]
struct Entry {
    key: [u32; 3],
    value: u32,
}

/// The 96 bits of a key a slot keeps.
#[inline]
fn packed(key: [u64; 2]) -> [u32; 3] {
    [key[0] as u32, (key[0] >> 32) as u32, key[1] as u32]
}

/// A map from 128-bit hashes to dense numbers below `u32::MAX`.
#[derive(Debug, Clone)]
pub struct KeyMap {
    slots: Vec<Entry>,
    len: usize,
}

impl Default for KeyMap {
    fn default() -> Self {
        KeyMap { slots: vec![Self::FREE_ENTRY; slots_for(0)], len: 0 }
    }
}

impl KeyMap {
    /// The value no key maps to: it marks a free slot.
    pub const FREE: u32 = u32::MAX;
    const FREE_ENTRY: Entry = Entry { key: [0; 3], value: Self::FREE };

    /// Keys held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether no key is held.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    #[inline]
    fn home(&self, key: [u64; 2]) -> usize {
        (key[0] as usize) & (self.slots.len() - 1)
    }

    #[inline]
    fn home_of_packed(&self, key: [u32; 3]) -> usize {
        ((key[0] as u64 | (key[1] as u64) << 32) as usize) & (self.slots.len() - 1)
    }

    /// Room for `items` keys without growing (growing holds the old and new slots at once).
    pub fn reserve(&mut self, items: usize) {
        if slots_for(self.len + items) > self.slots.len() {
            self.rebuild(slots_for(self.len + items));
        }
    }

    /// Brings `key`'s slot into the cache ahead of a lookup of it.
    #[inline]
    pub fn prefetch(&self, key: [u64; 2]) {
        prefetch_slot(&self.slots[self.home(key)]);
    }

    /// The value of `key`, if held.
    pub fn get(&self, key: [u64; 2]) -> Option<u32> {
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        let key = packed(key);
        loop {
            let e = &self.slots[i];
            if e.value == Self::FREE {
                return None;
            }
            if e.key == key {
                return Some(e.value);
            }
            i = (i + 1) & mask;
        }
    }

    /// The value of `key`, or `value` stored for it when it had none (which must not be
    /// [`KeyMap::FREE`]).
    pub fn get_or_insert(&mut self, key: [u64; 2], value: u32) -> u32 {
        self.insert_new(key, value).map_or_else(|held| held, |()| value)
    }

    /// Stores `value` for `key` when it had none; otherwise the value it holds.
    pub fn insert_new(&mut self, key: [u64; 2], value: u32) -> Result<(), u32> {
        debug_assert_ne!(value, Self::FREE);
        if (self.len + 1) * MAX_LOAD_DENOMINATOR > self.slots.len() * MAX_LOAD_NUMERATOR {
            self.rebuild(self.slots.len() * 2);
        }
        let mask = self.slots.len() - 1;
        let mut i = self.home(key);
        let key = packed(key);
        loop {
            let e = &mut self.slots[i];
            if e.value == Self::FREE {
                *e = Entry { key, value };
                self.len += 1;
                return Ok(());
            }
            if e.key == key {
                return Err(e.value);
            }
            i = (i + 1) & mask;
        }
    }

    fn rebuild(&mut self, slots: usize) {
        let old = std::mem::replace(&mut self.slots, vec![Self::FREE_ENTRY; slots]);
        let mask = slots - 1;
        for e in old.into_iter().filter(|e| e.value != Self::FREE) {
            let mut i = self.home_of_packed(e.key);
            while self.slots[i].value != Self::FREE {
                i = (i + 1) & mask;
            }
            self.slots[i] = e;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{HashMap, HashSet};

    proptest! {
        /// Small keys collide on their slots and wrap around the end of the table; zero is
        /// a key like any other.
        #[test]
        fn key_set_is_a_set(keys in prop::collection::vec(prop_oneof![0u128..64, any::<u128>()], 0..600)) {
            let mut set = KeySet::default();
            let mut reference = HashSet::new();
            for &k in &keys {
                prop_assert_eq!(set.insert(k), reference.insert(k));
                prop_assert_eq!(set.len(), reference.len());
            }
            for k in 0u128..80 {
                prop_assert_eq!(set.contains(k), reference.contains(&k));
            }
            for k in &keys {
                prop_assert!(set.contains(*k));
            }
        }

        #[test]
        fn key_map_keeps_the_first_value(keys in prop::collection::vec((0u64..48, 0u64..3), 0..600)) {
            let mut map = KeyMap::default();
            let mut reference = HashMap::new();
            for (n, &(lo, hi)) in keys.iter().enumerate() {
                let key = [lo, hi];
                let want = *reference.entry(key).or_insert(n as u32);
                prop_assert_eq!(map.get_or_insert(key, n as u32), want);
            }
            prop_assert_eq!(map.len(), reference.len());
            for lo in 0..50 {
                for hi in 0..3 {
                    prop_assert_eq!(map.get([lo, hi]), reference.get(&[lo, hi]).copied());
                }
            }
        }
    }

    #[test]
    fn reserving_keeps_what_is_there() {
        let mut set = KeySet::default();
        for k in 1..100u128 {
            set.insert(k * 7919);
        }
        set.reserve(100_000);
        assert!(set.slots.len() * 3 >= 100_099 * 4);
        assert!((1..100u128).all(|k| set.contains(k * 7919)));
        assert!(!set.contains(7));
        set.prefetch(12345);
    }
}
