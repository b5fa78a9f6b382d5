//! Results cross from wasm to JS as a *tape*: a serde serializer writes the value as a
//! flat list of `u32` words (plus the numbers and the bytes of new strings) into buffers
//! that live as long as the wasm, and `readTape` in `npm/lib/api.mjs` rebuilds the plain
//! JS objects and arrays from them (the same value `JSON.parse` of serde_json's text would
//! give). One boundary crossing per result, no allocation once the buffers are warm.
//!
//! Strings are interned: both sides keep the same table, in the same order, of the
//! strings already sent, so a key, a rule title or a fix that every report repeats is
//! decoded to a JS string once, and then sent as its index. The table is bounded
//! ([`MAX_STRINGS`], [`MAX_STRING_BYTES`]): when full it is cleared on both sides with an
//! `Op::Reset`. Measured on the corpus of `tests/bench/npm-vs-peers.mjs` against
//! serde-wasm-bindgen (a JS call per property and per string) and serde_json text +
//! `JSON.parse`, this was the fastest way to hand reports over.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use rustc_hash::FxHasher;
use serde::ser::{self, Serialize};

/// Most strings in the interning table before it is cleared.
pub const MAX_STRINGS: usize = 8192;
/// Most bytes of interned strings before the table is cleared.
pub const MAX_STRING_BYTES: usize = 1 << 20;
/// Longer strings are sent each time, not interned.
pub const MAX_INTERNED_LEN: usize = 1024;

/// The tags of the tape (`readTape` in `npm/lib/api.mjs` has the same numbers).
#[repr(u32)]
#[derive(Clone, Copy)]
enum Op {
    Null = 0,
    False = 1,
    True = 2,
    /// The next number of the numbers buffer.
    Number = 3,
    /// `index`: a string of the table.
    Interned = 4,
    /// `offset, len`: a new string (bytes in the bytes buffer), appended to the table.
    NewInterned = 5,
    /// `offset, len`: a string not kept in the table.
    Temporary = 6,
    /// `count` values follow.
    Array = 7,
    /// `count` (key string, value) pairs follow.
    Object = 8,
    /// Both sides clear their tables here.
    Reset = 9,
}

/// The buffers of the last result; `header` tells JS where they are.
#[derive(Default)]
pub struct Tape {
    words: Vec<u32>,
    numbers: Vec<f64>,
    bytes: Vec<u8>,
    strings: HashMap<Box<str>, u32, BuildHasherDefault<FxHasher>>,
    /// Field names (`&'static str`) by address and length: found without hashing or
    /// comparing their bytes.
    keys: HashMap<(usize, usize), u32, BuildHasherDefault<FxHasher>>,
    string_bytes: usize,
    /// A serialization failed after adding strings JS never saw: clear first next time.
    stale: bool,
    /// `[words ptr, words len, numbers ptr, numbers len, bytes ptr, bytes len, strings
    /// in the table before this result]`: JS checks the last against its own table.
    header: [u32; 7],
    strings_before: u32,
}

/// Buffers kept above this size after a result are given back.
const KEEP_BYTES: usize = 1 << 20;

thread_local! {
    static TAPE: RefCell<Tape> = RefCell::new(Tape::default());
}

/// Clears the string table on both sides at the start of the next result: JS lost track
/// of it (a result it did not read, or one it failed to read).
pub fn reset() {
    TAPE.with(|tape| tape.borrow_mut().stale = true);
}

/// Writes `value` to the tape and returns the address of its header, for `readTape`.
pub fn write<T: Serialize + ?Sized>(value: &T) -> Result<u32, String> {
    TAPE.with(|tape| {
        let mut tape = tape.borrow_mut();
        tape.begin();
        match value.serialize(&mut *tape) {
            Ok(()) => Ok(tape.finish()),
            Err(e) => {
                tape.stale = true;
                Err(e.0)
            }
        }
    })
}

impl Tape {
    fn begin(&mut self) {
        // Give back what one huge result grew, so memory stays bounded.
        if self.words.capacity() * 4 > KEEP_BYTES {
            self.words = Vec::new();
        }
        if self.numbers.capacity() * 8 > KEEP_BYTES {
            self.numbers = Vec::new();
        }
        if self.bytes.capacity() > KEEP_BYTES {
            self.bytes = Vec::new();
        }
        self.words.clear();
        self.numbers.clear();
        self.bytes.clear();
        if self.stale {
            self.reset();
        }
        self.strings_before = self.strings.len() as u32;
    }

    fn finish(&mut self) -> u32 {
        // wasm32: addresses and lengths fit in u32.
        self.header = [
            self.words.as_ptr() as u32,
            self.words.len() as u32,
            self.numbers.as_ptr() as u32,
            self.numbers.len() as u32,
            self.bytes.as_ptr() as u32,
            self.bytes.len() as u32,
            self.strings_before,
        ];
        self.header.as_ptr() as u32
    }

    fn reset(&mut self) {
        self.strings.clear();
        self.keys.clear();
        self.string_bytes = 0;
        self.stale = false;
        self.words.push(Op::Reset as u32);
    }

    fn op(&mut self, op: Op) {
        self.words.push(op as u32);
    }

    fn number(&mut self, n: f64) {
        self.op(Op::Number);
        self.numbers.push(n);
    }

    fn string(&mut self, s: &str) {
        if let Some(&index) = self.strings.get(s) {
            self.words.extend([Op::Interned as u32, index]);
            return;
        }
        let interned = s.len() <= MAX_INTERNED_LEN;
        if interned
            && (self.strings.len() >= MAX_STRINGS || self.string_bytes + s.len() > MAX_STRING_BYTES)
        {
            self.reset();
        }
        let op = if interned {
            let index = self.strings.len() as u32;
            self.strings.insert(s.into(), index);
            self.string_bytes += s.len();
            Op::NewInterned
        } else {
            Op::Temporary
        };
        let offset = self.bytes.len() as u32;
        self.bytes.extend_from_slice(s.as_bytes());
        self.words.extend([op as u32, offset, s.len() as u32]);
    }

    /// A struct's field name.
    fn key(&mut self, key: &'static str) {
        let id = (key.as_ptr() as usize, key.len());
        if let Some(&index) = self.keys.get(&id) {
            self.words.extend([Op::Interned as u32, index]);
            return;
        }
        self.string(key);
        if let Some(&index) = self.strings.get(key) {
            self.keys.insert(id, index);
        }
    }

    /// Starts an array or object whose count is patched in by [`Tape::end`].
    fn start(&mut self, op: Op) -> Compound<'_> {
        self.op(op);
        let at = self.words.len();
        self.words.push(0);
        Compound {
            tape: self,
            at,
            count: 0,
        }
    }
}

/// A serialization error (only map keys that are not strings or numbers fail).
#[derive(Debug)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// An array or object being written.
pub struct Compound<'a> {
    tape: &'a mut Tape,
    at: usize,
    count: u32,
}

impl Compound<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.count += 1;
        value.serialize(&mut *self.tape)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), Error> {
        self.count += 1;
        self.tape.key(key);
        value.serialize(&mut *self.tape)
    }

    fn end(self) -> Result<(), Error> {
        self.tape.words[self.at] = self.count;
        Ok(())
    }
}

impl<'a> ser::Serializer for &'a mut Tape {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Variant<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Variant<'a>;

    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.op(if v { Op::True } else { Op::False });
        Ok(())
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        // As JSON.parse reads it: the nearest double.
        self.serialize_f64(v as f64)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.serialize_f64(v as f64)
    }
    fn serialize_f32(self, v: f32) -> Result<(), Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<(), Error> {
        // serde_json writes non-finite numbers as null.
        if v.is_finite() {
            self.number(v);
        } else {
            self.op(Op::Null);
        }
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.string(v);
        Ok(())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<(), Error> {
        let mut seq = self.start(Op::Array);
        for b in v {
            seq.element(b)?;
        }
        seq.end()
    }
    fn serialize_none(self) -> Result<(), Error> {
        self.op(Op::Null);
        Ok(())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Error> {
        self.op(Op::Null);
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        // Severities, verdicts, dispositions…: static, found by address like field names.
        self.key(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        let mut object = self.start(Op::Object);
        object.field(variant, value)?;
        object.end()
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(self.start(Op::Array))
    }
    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, Error> {
        Ok(self.start(Op::Array))
    }
    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Error> {
        Ok(self.start(Op::Array))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Variant<'a>, Error> {
        Variant::start(self, variant, Op::Array)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, Error> {
        Ok(self.start(Op::Object))
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, Error> {
        Ok(self.start(Op::Object))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Variant<'a>, Error> {
        Variant::start(self, variant, Op::Object)
    }
}

impl ser::SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.element(value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.count += 1;
        key.serialize(KeySerializer(self.tape))
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        value.serialize(&mut *self.tape)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

impl ser::SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        Compound::end(self)
    }
}

/// `{"variant": [..]}` or `{"variant": {..}}`, as serde_json writes enum variants.
pub struct Variant<'a> {
    inner: Compound<'a>,
}

impl<'a> Variant<'a> {
    fn start(tape: &'a mut Tape, variant: &'static str, op: Op) -> Result<Self, Error> {
        tape.words.extend([Op::Object as u32, 1]);
        tape.key(variant);
        Ok(Variant {
            inner: tape.start(op),
        })
    }

    fn end(self) -> Result<(), Error> {
        self.inner.end()
    }
}

impl ser::SerializeTupleVariant for Variant<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.inner.element(value)
    }
    fn end(self) -> Result<(), Error> {
        Variant::end(self)
    }
}

impl ser::SerializeStructVariant for Variant<'_> {
    type Ok = ();
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.inner.field(key, value)
    }
    fn end(self) -> Result<(), Error> {
        Variant::end(self)
    }
}

/// Map keys: strings, and numbers or booleans written as strings (as serde_json does).
struct KeySerializer<'a>(&'a mut Tape);

impl KeySerializer<'_> {
    fn text(self, key: impl std::fmt::Display) -> Result<(), Error> {
        self.0.string(&key.to_string());
        Ok(())
    }
}

fn key_error() -> Error {
    Error("a map key must be a string or a number".into())
}

impl ser::Serializer for KeySerializer<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_str(self, v: &str) -> Result<(), Error> {
        self.0.string(v);
        Ok(())
    }
    fn serialize_char(self, v: char) -> Result<(), Error> {
        self.0.string(v.encode_utf8(&mut [0; 4]));
        Ok(())
    }
    fn serialize_bool(self, v: bool) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i8(self, v: i8) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i16(self, v: i16) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i32(self, v: i32) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_i64(self, v: i64) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u8(self, v: u8) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u16(self, v: u16) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u32(self, v: u32) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_u64(self, v: u64) -> Result<(), Error> {
        self.text(v)
    }
    fn serialize_f32(self, _: f32) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_f64(self, _: f64) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_none(self) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit(self) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<(), Error> {
        self.0.string(variant);
        Ok(())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Error> {
        Err(key_error())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_error())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_error())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_error())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_error())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_error())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_error())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_error())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Map, Value};

    use super::*;

    /// `readTape` of `npm/lib/api.mjs`, in Rust, with its string table.
    #[derive(Default)]
    struct Reader {
        strings: Vec<String>,
    }

    impl Reader {
        fn read<T: Serialize>(&mut self, value: &T) -> Value {
            write(value).unwrap();
            TAPE.with(|tape| {
                let tape = tape.borrow();
                let (mut at, mut number) = (0, 0);
                self.value(&tape, &mut at, &mut number)
            })
        }

        fn value(&mut self, tape: &Tape, at: &mut usize, number: &mut usize) -> Value {
            loop {
                let op = tape.words[*at];
                *at += 1;
                let text = |at: &mut usize| {
                    let (offset, len) = (tape.words[*at] as usize, tape.words[*at + 1] as usize);
                    *at += 2;
                    String::from_utf8(tape.bytes[offset..offset + len].to_vec()).unwrap()
                };
                return match op {
                    0 => Value::Null,
                    1 => false.into(),
                    2 => true.into(),
                    3 => {
                        *number += 1;
                        json!(tape.numbers[*number - 1])
                    }
                    4 => {
                        *at += 1;
                        self.strings[tape.words[*at - 1] as usize].clone().into()
                    }
                    5 => {
                        let s = text(at);
                        self.strings.push(s.clone());
                        s.into()
                    }
                    6 => text(at).into(),
                    7 => {
                        let n = tape.words[*at];
                        *at += 1;
                        (0..n).map(|_| self.value(tape, at, number)).collect()
                    }
                    8 => {
                        let n = tape.words[*at];
                        *at += 1;
                        let mut map = Map::new();
                        for _ in 0..n {
                            let Value::String(key) = self.value(tape, at, number) else {
                                panic!("a key that is not a string");
                            };
                            map.insert(key, self.value(tape, at, number));
                        }
                        map.into()
                    }
                    9 => {
                        self.strings.clear();
                        continue;
                    }
                    _ => panic!("bad op {op}"),
                };
            }
        }
    }

    /// Numbers come back as f64, as `JSON.parse` gives them.
    fn as_doubles(v: Value) -> Value {
        match v {
            Value::Number(n) => json!(n.as_f64().unwrap()),
            Value::Array(a) => a.into_iter().map(as_doubles).collect(),
            Value::Object(o) => o.into_iter().map(|(k, v)| (k, as_doubles(v))).collect(),
            v => v,
        }
    }

    #[derive(serde::Serialize)]
    enum Shape {
        Unit,
        Newtype(u8),
        Tuple(u8, &'static str),
        Struct { a: Option<bool> },
    }

    #[test]
    fn reads_back_what_serde_json_writes() {
        let mut reader = Reader::default();
        let mut map = std::collections::BTreeMap::new();
        map.insert(7u32, "seven");
        let value = json!({"a": [1, -2.5, null, true, "é\u{1F600}"], "b": {"c": "x".repeat(2000)}});
        let shapes = [
            Shape::Unit,
            Shape::Newtype(3),
            Shape::Tuple(4, "t"),
            Shape::Struct { a: None },
        ];
        for _ in 0..2 {
            assert_eq!(reader.read(&value), as_doubles(value.clone()));
            assert_eq!(
                reader.read(&shapes),
                as_doubles(serde_json::to_value(&shapes).unwrap())
            );
            assert_eq!(reader.read(&map), json!({"7": "seven"}));
            assert_eq!(reader.read(&f64::NAN), Value::Null);
        }
    }

    #[test]
    fn a_report_reads_back_whole() {
        let mut reader = Reader::default();
        let input = "HTTP/1.1 200 OK\r\nSet-Cookie: session=eyJ1IjoxfQ.Z0QyZw.abcdefghijklmnopqrstuvwxyz0; Path=/\r\nContent-Security-Policy: script-src 'self' 'unsafe-inline'\r\n\r\n";
        let parsed = headwarden_core::parse(input.as_bytes()).unwrap();
        let options = headwarden_core::CheckOptions {
            views: true,
            ..Default::default()
        };
        let report = headwarden_core::check(&parsed, &headwarden_core::Policy::default(), &options);
        let expected = as_doubles(serde_json::to_value(&report).unwrap());
        assert_eq!(reader.read(&report), expected);
        assert_eq!(reader.read(&report), expected, "from the string table");
    }

    #[test]
    fn the_string_table_is_bounded_and_cleared_on_both_sides() {
        let mut reader = Reader::default();
        for i in 0..(MAX_STRINGS * 3) {
            let pair = [format!("s{i}"), "fixed".to_string()];
            assert_eq!(reader.read(&pair), json!(pair));
        }
        TAPE.with(|tape| assert!(tape.borrow().strings.len() <= MAX_STRINGS));
        assert!(reader.strings.len() <= MAX_STRINGS);
        // Long strings are not kept.
        let long = "y".repeat(MAX_INTERNED_LEN + 1);
        assert_eq!(reader.read(&long), json!(long));
        TAPE.with(|tape| assert!(!tape.borrow().strings.contains_key(long.as_str())));
    }

    #[test]
    fn the_header_tells_how_many_strings_the_reader_must_hold() {
        let mut reader = Reader::default();
        reader.read(&["one", "two"]);
        write(&"three").unwrap();
        // A reader that skipped "three" would hold 2 strings where the next tape says 3.
        let before = || TAPE.with(|tape| tape.borrow().header[6]);
        write(&"four").unwrap();
        assert_eq!(before(), 3);
        reset();
        write(&"five").unwrap();
        TAPE.with(|tape| assert_eq!(tape.borrow().words[0], Op::Reset as u32));
        assert_eq!(before(), 0);
    }

    #[test]
    fn a_failed_write_clears_the_table_first_next_time() {
        let mut reader = Reader::default();
        reader.read(&"kept");
        // Fails after interning a string; JS never reads that tape (it gets an error).
        let mut map = std::collections::BTreeMap::new();
        map.insert((1, 2), "a tuple key");
        assert!(write(&("a string JS never sees", &map)).is_err());
        assert_eq!(reader.read(&["kept", "after"]), json!(["kept", "after"]));
        assert_eq!(reader.strings, ["kept", "after"], "both tables restarted");
    }
}
