//! Personal data at rest: SM4-GCM for the value, an SM3-HMAC blind index for exact lookup.
//! Both keys are derived from one master key so that operators keep a single secret.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{AesGcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use sm3::Sm3;
use sm4::Sm4;
use sm4::cipher::consts::U12;

type Sm4Gcm = AesGcm<Sm4, U12>;
type HmacSm3 = Hmac<Sm3>;

#[derive(Clone)]
pub struct Crypto {
    cipher: Sm4Gcm,
    /// HMAC-SM3 keyed with the blind-index key, ready to clone.
    index_mac: HmacSm3,
}

impl std::fmt::Debug for Crypto {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Crypto { keys: <hidden> }")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("主密钥长度应为32字节（64位十六进制），实际为{0}字节")]
    KeyLength(usize),
    #[error("加密数据已损坏或密钥不匹配")]
    Corrupt,
}

// HMAC takes keys of any length (long ones are hashed first), so `new_from_slice` cannot
// fail here; the lint is lifted for this one documented-infallible call.
#[allow(clippy::expect_used)]
fn hmac_sm3(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = <HmacSm3 as KeyInit>::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(data);
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&mac.finalize().into_bytes()[..32]);
    bytes
}

impl Crypto {
    pub fn new(master: &[u8]) -> Result<Crypto, CryptoError> {
        if master.len() != 32 {
            return Err(CryptoError::KeyLength(master.len()));
        }
        let enc = hmac_sm3(master, b"qunlian/sm4-gcm/v1");
        let cipher = Sm4Gcm::new_from_slice(&enc[..16]).map_err(|_| CryptoError::KeyLength(16))?;
        let index_key = hmac_sm3(master, b"qunlian/blind-index/v1");
        #[allow(clippy::expect_used)] // as in hmac_sm3: any key length is accepted
        let index_mac = <HmacSm3 as KeyInit>::new_from_slice(&index_key).expect("HMAC accepts any key length");
        Ok(Crypto { cipher, index_mac })
    }

    pub fn generate_master_key() -> [u8; 32] {
        rand::random()
    }

    /// base64(nonce ‖ ciphertext ‖ tag); a fresh random nonce per value.
    pub fn encrypt(&self, plain: &str) -> String {
        let nonce_bytes: [u8; 12] = rand::random();
        let nonce = Nonce::<U12>::from(nonce_bytes);
        // Encryption into a Vec only fails on absurd lengths (> 64 GiB); store nothing then.
        let sealed = self.cipher.encrypt(&nonce, plain.as_bytes()).unwrap_or_default();
        let mut out = Vec::with_capacity(12 + sealed.len());
        out.extend_from_slice(&nonce_bytes);
        out.extend_from_slice(&sealed);
        B64.encode(out)
    }

    pub fn decrypt(&self, sealed: &str) -> Result<String, CryptoError> {
        let raw = B64.decode(sealed).map_err(|_| CryptoError::Corrupt)?;
        if raw.len() < 12 + 16 {
            return Err(CryptoError::Corrupt);
        }
        let (nonce, body) = raw.split_at(12);
        let nonce = Nonce::<U12>::try_from(nonce).map_err(|_| CryptoError::Corrupt)?;
        let plain = self.cipher.decrypt(&nonce, body).map_err(|_| CryptoError::Corrupt)?;
        String::from_utf8(plain).map_err(|_| CryptoError::Corrupt)
    }

    /// Deterministic keyed digest for equality lookup; reveals nothing without the key.
    pub fn blind_index(&self, plain: &str) -> String {
        self.blind_index_parts(&[plain.as_bytes()])
    }

    /// The same digest over several parts, each ended by a 0x1F separator, without joining
    /// them first; the keyed state is prepared once and cloned, which halves the hashing of
    /// a bulk import.
    pub fn blind_index_parts(&self, parts: &[&[u8]]) -> String {
        let mut mac = self.index_mac.clone();
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                mac.update(&[0x1F]);
            }
            mac.update(p);
        }
        hex::encode(&mac.finalize().into_bytes()[..32])
    }
}

/// SM3 digest as hex, for tokens and row hashes (no key involved).
pub fn sm3_hex(data: &[u8]) -> String {
    use sm3::Digest;
    hex::encode(Sm3::digest(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_fresh_nonces() {
        let c = Crypto::new(&[7u8; 32]).unwrap();
        let a = c.encrypt("13812345678");
        let b = c.encrypt("13812345678");
        assert_ne!(a, b, "the same phone must not encrypt to the same bytes");
        assert_eq!(c.decrypt(&a).unwrap(), "13812345678");
        assert!(!a.contains("1381"));
    }

    #[test]
    fn wrong_key_or_tampering_is_detected() {
        let c = Crypto::new(&[7u8; 32]).unwrap();
        let other = Crypto::new(&[8u8; 32]).unwrap();
        let sealed = c.encrypt("310117199001011234");
        assert!(other.decrypt(&sealed).is_err());
        let mut raw = B64.decode(&sealed).unwrap();
        let last = raw.len() - 1;
        raw[last] ^= 1;
        assert!(c.decrypt(&B64.encode(raw)).is_err());
    }

    #[test]
    fn blind_index_is_stable_and_keyed() {
        let c = Crypto::new(&[7u8; 32]).unwrap();
        let other = Crypto::new(&[8u8; 32]).unwrap();
        assert_eq!(c.blind_index("x"), c.blind_index("x"));
        assert_ne!(c.blind_index("x"), other.blind_index("x"));
        assert!(Crypto::new(&[1u8; 16]).is_err());
    }

    #[test]
    fn sm3_matches_the_standard_example() {
        // GB/T 32905-2016 Appendix A, example 1: "abc".
        assert_eq!(sm3_hex(b"abc"), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    }
}
