//! `cdl ` conditional chunks (DLS2 §2.6): a stack machine over DLSID queries that decides whether
//! a collection, instrument, region or articulation list applies to this synth.
//!
//! Semantics (FluidSynth `execute_cdls` and Sonivox `Parse_cdl` agree): 16-bit opcodes; `CONST`
//! is followed by a 32-bit value, `QUERY`/`QUERYSUPPORTED` by a 16-byte DLSID. Binary operators pop
//! `x` (top) then `y` and push `x op y` (wrapping arithmetic); comparisons and logical operators
//! push 0/1. `QUERY` pushes the answer (0 for an unknown DLSID), `QUERYSUPPORTED` pushes whether
//! the DLSID is known. The chunk is true when the top of the stack at the end is non-zero; an
//! empty chunk is true. Malformed expressions are errors, never guesses.

use portcls_sys::dls as c;

/// A DLSID as stored in a file: `Data1` (u32), `Data2`, `Data3` (u16), `Data4` (8 bytes).
type Dlsid = (u32, u16, u16, [u8; 8]);

const GM_IN_HARDWARE: Dlsid = (
    0x178f_2f24,
    0xc364,
    0x11d1,
    [0xa7, 0x60, 0, 0, 0xf8, 0x75, 0xac, 0x12],
);
const GS_IN_HARDWARE: Dlsid = (
    0x178f_2f25,
    0xc364,
    0x11d1,
    [0xa7, 0x60, 0, 0, 0xf8, 0x75, 0xac, 0x12],
);
const XG_IN_HARDWARE: Dlsid = (
    0x178f_2f26,
    0xc364,
    0x11d1,
    [0xa7, 0x60, 0, 0, 0xf8, 0x75, 0xac, 0x12],
);
const SUPPORTS_DLS1: Dlsid = (
    0x178f_2f27,
    0xc364,
    0x11d1,
    [0xa7, 0x60, 0, 0, 0xf8, 0x75, 0xac, 0x12],
);
const SAMPLE_MEMORY_SIZE: Dlsid = (
    0x178f_2f28,
    0xc364,
    0x11d1,
    [0xa7, 0x60, 0, 0, 0xf8, 0x75, 0xac, 0x12],
);
const SUPPORTS_DLS2: Dlsid = (
    0xf145_99e5,
    0x4689,
    0x11d2,
    [0xaf, 0xa6, 0, 0xaa, 0, 0x24, 0xd8, 0xb6],
);
const MANUFACTURERS_ID: Dlsid = (
    0xb03e_1181,
    0x8095,
    0x11d2,
    [0xa1, 0xef, 0, 0x60, 0x08, 0x33, 0xdb, 0xd8],
);
const PRODUCT_ID: Dlsid = (
    0xb03e_1182,
    0x8095,
    0x11d2,
    [0xa1, 0xef, 0, 0x60, 0x08, 0x33, 0xdb, 0xd8],
);
const SAMPLE_PLAYBACK_RATE: Dlsid = (
    0x2a91_f713,
    0xa4bf,
    0x11d2,
    [0xbb, 0xdf, 0, 0x60, 0x08, 0x33, 0xdb, 0xd8],
);

/// The synth's answers to DLSID queries, used to evaluate `cdl ` chunks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DlsQueries {
    /// `DLSID_GMInHardware`.
    pub gm_in_hardware: bool,
    /// `DLSID_GSInHardware`.
    pub gs_in_hardware: bool,
    /// `DLSID_XGInHardware`.
    pub xg_in_hardware: bool,
    /// `DLSID_SupportsDLS1`.
    pub supports_dls1: bool,
    /// `DLSID_SupportsDLS2`.
    pub supports_dls2: bool,
    /// `DLSID_SampleMemorySize`, bytes.
    pub sample_memory_size: u32,
    /// `DLSID_SamplePlaybackRate`, Hz.
    pub sample_playback_rate: u32,
    /// `DLSID_ManufacturersID` (`None`: unsupported query).
    pub manufacturers_id: Option<u32>,
    /// `DLSID_ProductID` (`None`: unsupported query).
    pub product_id: Option<u32>,
}

impl Default for DlsQueries {
    /// This synth: GM and GS sets present (the default collection), no XG, DLS1 and DLS2,
    /// 256 MiB of sample memory, 48 kHz; no manufacturer/product id.
    fn default() -> Self {
        Self {
            gm_in_hardware: true,
            gs_in_hardware: true,
            xg_in_hardware: false,
            supports_dls1: true,
            supports_dls2: true,
            sample_memory_size: 256 << 20,
            sample_playback_rate: 48_000,
            manufacturers_id: None,
            product_id: None,
        }
    }
}

impl DlsQueries {
    fn answer(&self, id: &Dlsid) -> Option<u32> {
        let flag = |b: bool| Some(u32::from(b));
        match *id {
            GM_IN_HARDWARE => flag(self.gm_in_hardware),
            GS_IN_HARDWARE => flag(self.gs_in_hardware),
            XG_IN_HARDWARE => flag(self.xg_in_hardware),
            SUPPORTS_DLS1 => flag(self.supports_dls1),
            SUPPORTS_DLS2 => flag(self.supports_dls2),
            SAMPLE_MEMORY_SIZE => Some(self.sample_memory_size),
            SAMPLE_PLAYBACK_RATE => Some(self.sample_playback_rate),
            MANUFACTURERS_ID => self.manufacturers_id,
            PRODUCT_ID => self.product_id,
            _ => None,
        }
    }
}

/// A malformed `cdl` expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadConditional;

const STACK_DEPTH: usize = 64;

struct Stack {
    values: [u32; STACK_DEPTH],
    len: usize,
}

impl Stack {
    fn push(&mut self, value: u32) -> Result<(), BadConditional> {
        let slot = self.values.get_mut(self.len).ok_or(BadConditional)?;
        *slot = value;
        self.len = self.len.checked_add(1).ok_or(BadConditional)?;
        Ok(())
    }

    fn pop(&mut self) -> Result<u32, BadConditional> {
        self.len = self.len.checked_sub(1).ok_or(BadConditional)?;
        self.values.get(self.len).copied().ok_or(BadConditional)
    }
}

/// Evaluates the body of a `cdl ` chunk against `queries`.
pub fn evaluate(ops: &[u8], queries: &DlsQueries) -> Result<bool, BadConditional> {
    let mut reader = crate::reader::Reader::new(ops);
    let mut stack = Stack {
        values: [0; STACK_DEPTH],
        len: 0,
    };
    while reader.remaining() > 0 {
        let opcode = reader.u16().map_err(|_| BadConditional)?;
        match opcode {
            c::DLS_CDL_CONST => {
                let value = reader.u32().map_err(|_| BadConditional)?;
                stack.push(value)?;
            }
            c::DLS_CDL_QUERY | c::DLS_CDL_QUERYSUPPORTED => {
                let data1 = reader.u32().map_err(|_| BadConditional)?;
                let data2 = reader.u16().map_err(|_| BadConditional)?;
                let data3 = reader.u16().map_err(|_| BadConditional)?;
                let data4 = reader.array::<8>().map_err(|_| BadConditional)?;
                let answer = queries.answer(&(data1, data2, data3, data4));
                let value = if opcode == c::DLS_CDL_QUERY {
                    answer.unwrap_or(0)
                } else {
                    u32::from(answer.is_some())
                };
                stack.push(value)?;
            }
            c::DLS_CDL_NOT => {
                let x = stack.pop()?;
                stack.push(u32::from(x == 0))?;
            }
            c::DLS_CDL_AND..=c::DLS_CDL_EQ => {
                let x = stack.pop()?;
                let y = stack.pop()?;
                let value = match opcode {
                    c::DLS_CDL_AND => x & y,
                    c::DLS_CDL_OR => x | y,
                    c::DLS_CDL_XOR => x ^ y,
                    c::DLS_CDL_ADD => x.wrapping_add(y),
                    c::DLS_CDL_SUBTRACT => x.wrapping_sub(y),
                    c::DLS_CDL_MULTIPLY => x.wrapping_mul(y),
                    c::DLS_CDL_DIVIDE => x.checked_div(y).ok_or(BadConditional)?,
                    c::DLS_CDL_LOGICAL_AND => u32::from(x != 0 && y != 0),
                    c::DLS_CDL_LOGICAL_OR => u32::from(x != 0 || y != 0),
                    c::DLS_CDL_LT => u32::from(x < y),
                    c::DLS_CDL_LE => u32::from(x <= y),
                    c::DLS_CDL_GT => u32::from(x > y),
                    c::DLS_CDL_GE => u32::from(x >= y),
                    _ => u32::from(x == y),
                };
                stack.push(value)?;
            }
            _ => return Err(BadConditional),
        }
    }
    if stack.len == 0 {
        return Ok(true);
    }
    Ok(stack.pop()? != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    fn query(op: u16, id: Dlsid) -> Vec<u8> {
        let mut out = op.to_le_bytes().to_vec();
        out.extend_from_slice(&id.0.to_le_bytes());
        out.extend_from_slice(&id.1.to_le_bytes());
        out.extend_from_slice(&id.2.to_le_bytes());
        out.extend_from_slice(&id.3);
        out
    }

    fn constant(value: u32) -> Vec<u8> {
        let mut out = c::DLS_CDL_CONST.to_le_bytes().to_vec();
        out.extend_from_slice(&value.to_le_bytes());
        out
    }

    #[test]
    fn queries_follow_the_answers() {
        let q = DlsQueries::default();
        assert_eq!(evaluate(&query(c::DLS_CDL_QUERY, SUPPORTS_DLS2), &q), Ok(true));
        assert_eq!(evaluate(&query(c::DLS_CDL_QUERY, XG_IN_HARDWARE), &q), Ok(false));
        let no_dls2 = DlsQueries {
            supports_dls2: false,
            ..q
        };
        assert_eq!(
            evaluate(&query(c::DLS_CDL_QUERY, SUPPORTS_DLS2), &no_dls2),
            Ok(false)
        );
        assert_eq!(
            evaluate(&query(c::DLS_CDL_QUERYSUPPORTED, PRODUCT_ID), &q),
            Ok(false)
        );
        let mut unknown = SUPPORTS_DLS2;
        unknown.0 = 1;
        assert_eq!(evaluate(&query(c::DLS_CDL_QUERY, unknown), &q), Ok(false));
        assert_eq!(evaluate(&[], &q), Ok(true));
    }

    #[test]
    fn arithmetic_and_comparisons() {
        let q = DlsQueries::default();
        // sample memory >= 1 MiB ?  pushes y = 1 MiB, then x = memory; GE is x >= y.
        let mut ops = constant(1 << 20);
        ops.extend(query(c::DLS_CDL_QUERY, SAMPLE_MEMORY_SIZE));
        ops.extend(c::DLS_CDL_GE.to_le_bytes());
        assert_eq!(evaluate(&ops, &q), Ok(true));
        let small = DlsQueries {
            sample_memory_size: 1000,
            ..q
        };
        assert_eq!(evaluate(&ops, &small), Ok(false));
        // (GM && !XG)
        let mut ops = query(c::DLS_CDL_QUERY, GM_IN_HARDWARE);
        ops.extend(query(c::DLS_CDL_QUERY, XG_IN_HARDWARE));
        ops.extend(c::DLS_CDL_NOT.to_le_bytes());
        ops.extend(c::DLS_CDL_LOGICAL_AND.to_le_bytes());
        assert_eq!(evaluate(&ops, &q), Ok(true));
    }

    #[test]
    fn malformed_expressions_are_errors() {
        let q = DlsQueries::default();
        assert_eq!(evaluate(&c::DLS_CDL_AND.to_le_bytes(), &q), Err(BadConditional));
        assert_eq!(evaluate(&0x99u16.to_le_bytes(), &q), Err(BadConditional));
        assert_eq!(evaluate(&constant(1)[..4], &q), Err(BadConditional));
        let mut div = constant(0);
        div.extend(constant(5));
        div.extend(c::DLS_CDL_DIVIDE.to_le_bytes());
        assert_eq!(evaluate(&div, &q), Err(BadConditional));
        let overflow: Vec<u8> = (0..=STACK_DEPTH).flat_map(|_| constant(1)).collect();
        assert_eq!(evaluate(&overflow, &q), Err(BadConditional));
        assert_eq!(evaluate(&[1], &q), Err(BadConditional));
    }
}
