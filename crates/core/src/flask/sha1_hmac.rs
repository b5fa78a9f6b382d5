//! HMAC-SHA1 on SHA-1's block function, for the weak-secret audit's hot loop.
//!
//! An HMAC is two hashes: `SHA1((K ^ ipad) || m)` and `SHA1((K ^ opad) || inner)`. The
//! states after the two key blocks depend on the key alone ([`Sha1Hmac`], 40 bytes,
//! `Copy`), and the padded blocks of `m` depend on the message alone ([`PaddedMessage`]).
//! With both prepared, one MAC costs the message's blocks plus one outer block: no key
//! schedule, no buffering, no allocation. Results are checked against the `hmac` crate.

use sha1::digest::consts::U64;
use sha1::digest::generic_array::GenericArray;
use sha1::{Digest, Sha1};

type Block = GenericArray<u8, U64>;

const BLOCK: usize = 64;
const IV: [u32; 5] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];

/// The inner and outer SHA-1 states of an HMAC key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sha1Hmac {
    inner: [u32; 5],
    outer: [u32; 5],
}

impl Sha1Hmac {
    /// Runs the key schedule (two compressions, plus a hash for keys over 64 bytes).
    pub fn new(key: &[u8]) -> Sha1Hmac {
        let mut k = [0u8; BLOCK];
        if key.len() > BLOCK {
            k[..20].copy_from_slice(&Sha1::digest(key));
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut ipad = Block::default();
        let mut opad = Block::default();
        for (i, b) in k.iter().enumerate() {
            ipad[i] = b ^ 0x36;
            opad[i] = b ^ 0x5c;
        }
        let mut inner = IV;
        sha1::compress(&mut inner, std::slice::from_ref(&ipad));
        let mut outer = IV;
        sha1::compress(&mut outer, std::slice::from_ref(&opad));
        Sha1Hmac { inner, outer }
    }

    /// The MAC of the message `padded` was made from, as SHA-1 state words.
    #[inline]
    pub fn mac_words(&self, padded: &PaddedMessage) -> [u32; 5] {
        let mut inner = self.inner;
        sha1::compress(&mut inner, &padded.blocks);
        let mut block = Block::default();
        for (chunk, word) in block.chunks_exact_mut(4).zip(inner) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        block[20] = 0x80;
        // The outer hash covers the 64-byte key block and the 20-byte inner digest.
        block[56..].copy_from_slice(&(((BLOCK + 20) * 8) as u64).to_be_bytes());
        let mut outer = self.outer;
        sha1::compress(&mut outer, std::slice::from_ref(&block));
        outer
    }

    /// The MAC of the message `padded` was made from.
    #[inline]
    pub fn mac(&self, padded: &PaddedMessage) -> [u8; 20] {
        words_to_bytes(self.mac_words(padded))
    }
}

/// A message padded for the inner hash of an HMAC (its length counts the key block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaddedMessage {
    blocks: Vec<Block>,
}

impl PaddedMessage {
    pub fn new(message: &[u8]) -> PaddedMessage {
        let total_bits = ((BLOCK + message.len()) as u64).wrapping_mul(8);
        // message, 0x80, zeros, 8-byte length: a whole number of blocks.
        let padded_len = (message.len() + 1 + 8).div_ceil(BLOCK) * BLOCK;
        let mut bytes = vec![0u8; padded_len];
        bytes[..message.len()].copy_from_slice(message);
        bytes[message.len()] = 0x80;
        bytes[padded_len - 8..].copy_from_slice(&total_bits.to_be_bytes());
        let blocks = bytes
            .chunks_exact(BLOCK)
            .map(Block::clone_from_slice)
            .collect();
        PaddedMessage { blocks }
    }
}

/// SHA-1 state words as the 20-byte digest.
pub fn words_to_bytes(words: [u32; 5]) -> [u8; 20] {
    let mut out = [0u8; 20];
    for (chunk, word) in out.chunks_exact_mut(4).zip(words) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// A 20-byte digest as SHA-1 state words (for comparing without converting each MAC).
pub fn bytes_to_words(bytes: &[u8]) -> Option<[u32; 5]> {
    let bytes: &[u8; 20] = bytes.try_into().ok()?;
    let mut out = [0u32; 5];
    for (word, chunk) in out.iter_mut().zip(bytes.chunks_exact(4)) {
        *word = u32::from_be_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};

    fn reference(key: &[u8], message: &[u8]) -> [u8; 20] {
        let mut mac = Hmac::<Sha1>::new_from_slice(key).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn matches_the_hmac_crate_for_every_length() {
        let long_key = [7u8; 100];
        for key in [&b""[..], b"dev", &[0xab; 64], &long_key] {
            for len in [0, 1, 54, 55, 56, 63, 64, 65, 119, 120, 200, 1000] {
                let message: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
                let ours = Sha1Hmac::new(key).mac(&PaddedMessage::new(&message));
                assert_eq!(
                    ours,
                    reference(key, &message),
                    "key {} msg {len}",
                    key.len()
                );
            }
        }
    }

    #[test]
    fn words_round_trip() {
        let d = reference(b"k", b"m");
        assert_eq!(words_to_bytes(bytes_to_words(&d).unwrap()), d);
        assert_eq!(bytes_to_words(&d[..19]), None);
    }
}
