//! HMAC on the hash block functions, for the weak-secret audit's hot loops.
//!
//! An HMAC is two hashes: `H((K ^ ipad) || m)` and `H((K ^ opad) || inner)`. The states after
//! the two key blocks depend on the key alone (`Sha1Hmac`, … : a few dozen bytes, `Copy`),
//! and the padded blocks of `m` depend on the message alone (`PaddedMessage`). With both
//! prepared, one MAC costs the message's blocks plus one outer block: no key schedule, no
//! buffering, no allocation. Every variant is checked against the `hmac` crate.

use sha1::digest::generic_array::GenericArray;
use sha1::Digest;

macro_rules! raw_hmac {
    (
        $(#[$doc:meta])*
        $name:ident, $padded:ident, $hash:ty, $word:ty, $block_len:ty, block: $block:expr,
        len_bytes: $len_bytes:expr, out: $out:expr, iv: $iv:expr,
        compress: $compress:expr $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name {
            inner: [$word; 8],
            outer: [$word; 8],
        }

        impl $name {
            const BLOCK: usize = $block;
            /// Digest length in bytes.
            pub const OUTPUT: usize = $out;

            /// Runs the key schedule (two compressions, plus a hash for keys longer than a
            /// block).
            pub fn new(key: &[u8]) -> $name {
                let mut k = [0u8; $block];
                if key.len() > Self::BLOCK {
                    let digest = <$hash>::digest(key);
                    k[..digest.len()].copy_from_slice(&digest);
                } else {
                    k[..key.len()].copy_from_slice(key);
                }
                let mut ipad = GenericArray::<u8, $block_len>::default();
                let mut opad = GenericArray::<u8, $block_len>::default();
                for (i, b) in k.iter().enumerate() {
                    ipad[i] = b ^ 0x36;
                    opad[i] = b ^ 0x5c;
                }
                let mut inner = [0 as $word; 8];
                inner[..$iv.len()].copy_from_slice(&$iv);
                let mut outer = inner;
                $compress(&mut inner, std::slice::from_ref(&ipad));
                $compress(&mut outer, std::slice::from_ref(&opad));
                $name { inner, outer }
            }

            /// The MAC of the message `padded` was made from, as state words (only the
            /// first `OUTPUT / size_of(word)` are meaningful).
            #[inline]
            pub fn mac_words(&self, padded: &$padded) -> [$word; 8] {
                const W: usize = std::mem::size_of::<$word>();
                let mut inner = self.inner;
                $compress(&mut inner, &padded.blocks);
                let mut block = GenericArray::<u8, $block_len>::default();
                for (chunk, word) in block[..$out].chunks_exact_mut(W).zip(inner) {
                    chunk.copy_from_slice(&word.to_be_bytes());
                }
                block[$out] = 0x80;
                // The outer hash covers the key block and the inner digest.
                let bits = ((Self::BLOCK + $out) as u64) * 8;
                block[$block - 8..].copy_from_slice(&bits.to_be_bytes());
                let mut outer = self.outer;
                $compress(&mut outer, std::slice::from_ref(&block));
                outer
            }

            /// The MAC of the message `padded` was made from.
            #[inline]
            pub fn mac(&self, padded: &$padded) -> [u8; $out] {
                const W: usize = std::mem::size_of::<$word>();
                let words = self.mac_words(padded);
                let mut out = [0u8; $out];
                for (chunk, word) in out.chunks_exact_mut(W).zip(words) {
                    chunk.copy_from_slice(&word.to_be_bytes());
                }
                out
            }

            /// A digest as state words, for comparing with [`Self::mac_words`] without
            /// converting each MAC; `None` when `digest` has the wrong length.
            pub fn digest_words(digest: &[u8]) -> Option<[$word; 8]> {
                const W: usize = std::mem::size_of::<$word>();
                if digest.len() != $out {
                    return None;
                }
                let mut words = [0 as $word; 8];
                for (word, chunk) in words.iter_mut().zip(digest.chunks_exact(W)) {
                    let mut bytes = [0u8; W];
                    bytes.copy_from_slice(chunk);
                    *word = <$word>::from_be_bytes(bytes);
                }
                Some(words)
            }
        }

        /// A message padded for the inner hash of an HMAC (its length counts the key block).
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct $padded {
            blocks: Vec<GenericArray<u8, $block_len>>,
        }

        impl $padded {
            pub fn new(message: &[u8]) -> $padded {
                let total_bits = (($block + message.len()) as u128).wrapping_mul(8);
                // message, 0x80, zeros, the length: a whole number of blocks.
                let padded_len = (message.len() + 1 + $len_bytes).div_ceil($block) * $block;
                let mut bytes = vec![0u8; padded_len];
                bytes[..message.len()].copy_from_slice(message);
                bytes[message.len()] = 0x80;
                let len = total_bits.to_be_bytes();
                bytes[padded_len - $len_bytes..].copy_from_slice(&len[16 - $len_bytes..]);
                let blocks = bytes
                    .chunks_exact($block)
                    .map(GenericArray::clone_from_slice)
                    .collect();
                $padded { blocks }
            }
        }
    };
}

const SHA1_IV: [u32; 5] = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];
const SHA512_IV: [u64; 8] = [
    0x6a09_e667_f3bc_c908,
    0xbb67_ae85_84ca_a73b,
    0x3c6e_f372_fe94_f82b,
    0xa54f_f53a_5f1d_36f1,
    0x510e_527f_ade6_82d1,
    0x9b05_688c_2b3e_6c1f,
    0x1f83_d9ab_fb41_bd6b,
    0x5be0_cd19_137e_2179,
];

/// `sha1::compress` takes a 5-word state; ours are 8 words wide for one macro.
fn sha1_compress(state: &mut [u32; 8], blocks: &[GenericArray<u8, sha1::digest::consts::U64>]) {
    let mut s = [state[0], state[1], state[2], state[3], state[4]];
    sha1::compress(&mut s, blocks);
    state[..5].copy_from_slice(&s);
}

raw_hmac! {
    /// HMAC-SHA1 key states (itsdangerous, Flask sessions).
    Sha1Hmac, Sha1Padded, sha1::Sha1, u32, sha1::digest::consts::U64, block: 64,
    len_bytes: 8, out: 20, iv: SHA1_IV, compress: sha1_compress,
}

raw_hmac! {
    /// HMAC-SHA256 key states (cookie-signature, Express).
    Sha256Hmac, Sha256Padded, sha2::Sha256, u32, sha1::digest::consts::U64, block: 64,
    len_bytes: 8, out: 32, iv: SHA256_IV, compress: sha2::compress256,
}

raw_hmac! {
    /// HMAC-SHA512 key states (Flask-Login remember tokens).
    Sha512Hmac, Sha512Padded, sha2::Sha512, u64, sha1::digest::consts::U128, block: 128,
    len_bytes: 16, out: 64, iv: SHA512_IV, compress: sha2::compress512,
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{Hmac, Mac};

    fn reference<M: Mac + hmac::digest::KeyInit>(key: &[u8], message: &[u8]) -> Vec<u8> {
        let mut mac = <M as Mac>::new_from_slice(key).unwrap();
        mac.update(message);
        mac.finalize().into_bytes().to_vec()
    }

    #[test]
    fn matches_the_hmac_crate_for_every_length() {
        let long_key = [7u8; 200];
        for key in [&b""[..], b"dev", &[0xab; 64], &[0xcd; 128], &long_key] {
            for len in [
                0, 1, 54, 55, 56, 63, 64, 65, 111, 112, 119, 120, 128, 200, 1000,
            ] {
                let m: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
                assert_eq!(
                    Sha1Hmac::new(key).mac(&Sha1Padded::new(&m)).to_vec(),
                    reference::<Hmac<sha1::Sha1>>(key, &m),
                    "sha1 key {} msg {len}",
                    key.len()
                );
                assert_eq!(
                    Sha256Hmac::new(key).mac(&Sha256Padded::new(&m)).to_vec(),
                    reference::<Hmac<sha2::Sha256>>(key, &m),
                    "sha256 key {} msg {len}",
                    key.len()
                );
                assert_eq!(
                    Sha512Hmac::new(key).mac(&Sha512Padded::new(&m)).to_vec(),
                    reference::<Hmac<sha2::Sha512>>(key, &m),
                    "sha512 key {} msg {len}",
                    key.len()
                );
            }
        }
    }

    #[test]
    fn digest_words_round_trip() {
        let key = Sha512Hmac::new(b"k");
        let padded = Sha512Padded::new(b"m");
        assert_eq!(
            Sha512Hmac::digest_words(&key.mac(&padded)),
            Some(key.mac_words(&padded))
        );
        assert_eq!(Sha1Hmac::digest_words(&[0; 19]), None);
        let sha1 = Sha1Hmac::new(b"k");
        let p = Sha1Padded::new(b"m");
        assert_eq!(
            Sha1Hmac::digest_words(&sha1.mac(&p)),
            Some(sha1.mac_words(&p))
        );
    }
}
