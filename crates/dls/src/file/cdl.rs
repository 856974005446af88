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
use portcls_sys::{
    DLSID_GMInHardware, DLSID_GSInHardware, DLSID_ManufacturersID, DLSID_ProductID, DLSID_SampleMemorySize,
    DLSID_SamplePlaybackRate, DLSID_SupportsDLS1, DLSID_SupportsDLS2, DLSID_XGInHardware, GUID,
};

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
    fn answer(&self, id: &GUID) -> Option<u32> {
        let flag = |b: bool| Some(u32::from(b));
        [
            (DLSID_GMInHardware, flag(self.gm_in_hardware)),
            (DLSID_GSInHardware, flag(self.gs_in_hardware)),
            (DLSID_XGInHardware, flag(self.xg_in_hardware)),
            (DLSID_SupportsDLS1, flag(self.supports_dls1)),
            (DLSID_SupportsDLS2, flag(self.supports_dls2)),
            (DLSID_SampleMemorySize, Some(self.sample_memory_size)),
            (DLSID_SamplePlaybackRate, Some(self.sample_playback_rate)),
            (DLSID_ManufacturersID, self.manufacturers_id),
            (DLSID_ProductID, self.product_id),
        ]
        .into_iter()
        .find(|(known, _)| known == id)
        .and_then(|(_, answer)| answer)
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
                let answer = queries.answer(&GUID::new(data1, data2, data3, data4));
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

    fn query(op: u16, id: GUID) -> Vec<u8> {
        let mut out = op.to_le_bytes().to_vec();
        out.extend_from_slice(&id.Data1.to_le_bytes());
        out.extend_from_slice(&id.Data2.to_le_bytes());
        out.extend_from_slice(&id.Data3.to_le_bytes());
        out.extend_from_slice(&id.Data4);
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
        assert_eq!(
            evaluate(&query(c::DLS_CDL_QUERY, DLSID_SupportsDLS2), &q),
            Ok(true)
        );
        assert_eq!(
            evaluate(&query(c::DLS_CDL_QUERY, DLSID_XGInHardware), &q),
            Ok(false)
        );
        let no_dls2 = DlsQueries {
            supports_dls2: false,
            ..q
        };
        assert_eq!(
            evaluate(&query(c::DLS_CDL_QUERY, DLSID_SupportsDLS2), &no_dls2),
            Ok(false)
        );
        assert_eq!(
            evaluate(&query(c::DLS_CDL_QUERYSUPPORTED, DLSID_ProductID), &q),
            Ok(false)
        );
        let mut unknown = DLSID_SupportsDLS2;
        unknown.Data1 = 1;
        assert_eq!(evaluate(&query(c::DLS_CDL_QUERY, unknown), &q), Ok(false));
        assert_eq!(evaluate(&[], &q), Ok(true));
    }

    #[test]
    fn a_query_reads_the_dlsid_as_the_file_stores_it() {
        // DLSID_SupportsDLS2 {F14599E5-4689-11D2-AFA6-00AA0024D8B6}: three little-endian fields,
        // then eight bytes in order.
        let mut ops = c::DLS_CDL_QUERY.to_le_bytes().to_vec();
        ops.extend([
            0xE5, 0x99, 0x45, 0xF1, 0x89, 0x46, 0xD2, 0x11, 0xAF, 0xA6, 0x00, 0xAA, 0x00, 0x24, 0xD8, 0xB6,
        ]);
        let q = DlsQueries::default();
        assert_eq!(evaluate(&ops, &q), Ok(true));
        let no_dls2 = DlsQueries {
            supports_dls2: false,
            ..q
        };
        assert_eq!(evaluate(&ops, &no_dls2), Ok(false));
    }

    #[test]
    fn arithmetic_and_comparisons() {
        let q = DlsQueries::default();
        // sample memory >= 1 MiB ?  pushes y = 1 MiB, then x = memory; GE is x >= y.
        let mut ops = constant(1 << 20);
        ops.extend(query(c::DLS_CDL_QUERY, DLSID_SampleMemorySize));
        ops.extend(c::DLS_CDL_GE.to_le_bytes());
        assert_eq!(evaluate(&ops, &q), Ok(true));
        let small = DlsQueries {
            sample_memory_size: 1000,
            ..q
        };
        assert_eq!(evaluate(&ops, &small), Ok(false));
        // (GM && !XG)
        let mut ops = query(c::DLS_CDL_QUERY, DLSID_GMInHardware);
        ops.extend(query(c::DLS_CDL_QUERY, DLSID_XGInHardware));
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
