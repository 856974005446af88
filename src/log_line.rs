//! One diagnostic line, formatted without allocating, as `DbgPrintEx` takes it.
//!
//! The kernel log (`src/kernel/log.rs`) formats into a [`LogLine`] on the stack, so it works at
//! any IRQL up to DISPATCH_LEVEL, and passes the bytes as the argument of a constant `"%s"`
//! format, so a `%` in a message is never interpreted. Everything that can go wrong with the text
//! (too long, a NUL inside, a multi-byte character at the cut) is handled here, where the host
//! tests reach it.

use core::fmt::{self, Write};

/// The most bytes one `DbgPrintEx` call transmits, terminating NUL included.
pub const LINE_CAPACITY: usize = 512;

/// Every line starts with this, to find the driver's lines in the debugger output.
pub const PREFIX: &str = "dmksynth: ";

/// Appended when a message did not fit.
const ELLIPSIS: &[u8] = b"...";

/// Room kept at the end for the ellipsis, the newline and the NUL, even when truncated.
const TAIL: usize = ELLIPSIS.len() + 2;

/// A formatted, NUL-terminated line of at most [`LINE_CAPACITY`] bytes.
pub struct LogLine {
    bytes: [u8; LINE_CAPACITY],
    /// Text bytes written, always `<= LINE_CAPACITY - TAIL` before [`LogLine::finish`].
    length: usize,
    truncated: bool,
}

impl LogLine {
    /// Formats `PREFIX`, `arguments` and a newline.
    #[must_use]
    pub fn format(arguments: fmt::Arguments<'_>) -> Self {
        let mut line = Self {
            bytes: [0; LINE_CAPACITY],
            length: 0,
            truncated: false,
        };
        // `write_str` never fails: truncation is a state of the line, not an error.
        let _ = line.write_str(PREFIX);
        let _ = line.write_fmt(arguments);
        line.finish();
        line
    }

    /// The line with its terminating NUL: what the `%s` argument of `DbgPrintEx` points at.
    #[must_use]
    pub fn as_bytes_with_nul(&self) -> &[u8] {
        self.bytes.get(..self.length.saturating_add(1)).unwrap_or(&[])
    }

    /// Whether the message was cut to fit.
    #[must_use]
    pub const fn truncated(&self) -> bool {
        self.truncated
    }

    fn push(&mut self, bytes: &[u8]) {
        let end = self.length.saturating_add(bytes.len());
        if let Some(slot) = self.bytes.get_mut(self.length..end) {
            slot.copy_from_slice(bytes);
            self.length = end;
        }
    }

    fn finish(&mut self) {
        if self.truncated {
            self.push(ELLIPSIS);
        }
        self.push(b"\n");
        if let Some(slot) = self.bytes.get_mut(self.length) {
            *slot = 0;
        }
    }
}

impl Write for LogLine {
    /// Copies what still fits, cut on a character boundary; after a cut nothing more is added.
    fn write_str(&mut self, text: &str) -> fmt::Result {
        if self.truncated {
            return Ok(());
        }
        let room = LINE_CAPACITY.saturating_sub(TAIL).saturating_sub(self.length);
        let mut take = room.min(text.len());
        while !text.is_char_boundary(take) {
            take = take.saturating_sub(1);
        }
        for chunk in text
            .as_bytes()
            .get(..take)
            .unwrap_or(&[])
            .split_inclusive(|&byte| byte == 0)
        {
            // A NUL would end the C string early: it becomes '?'.
            match chunk.split_last() {
                Some((0, head)) => {
                    self.push(head);
                    self.push(b"?");
                }
                _ => self.push(chunk),
            }
        }
        if take < text.len() {
            self.truncated = true;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_lines_are_prefixed_terminated_and_uninterpreted() {
        let line = LogLine::format(format_args!("StartDevice: {}% done", 100));
        assert_eq!(line.as_bytes_with_nul(), b"dmksynth: StartDevice: 100% done\n\0");
        assert!(!line.truncated());
    }

    #[test]
    fn long_lines_are_cut_on_a_character_boundary_and_marked() {
        let long = "\u{e9}".repeat(400); // 800 bytes of two-byte characters
        let line = LogLine::format(format_args!("{long}"));
        let bytes = line.as_bytes_with_nul();
        assert!(line.truncated());
        assert!(bytes.len() <= LINE_CAPACITY);
        assert_eq!(bytes.last(), Some(&0));
        let text = core::str::from_utf8(&bytes[..bytes.len() - 1]).unwrap();
        assert!(text.ends_with("...\n"), "{text:?}");
        assert_eq!(bytes.iter().filter(|&&b| b == 0).count(), 1);
    }

    #[test]
    fn interior_nuls_do_not_end_the_string() {
        let line = LogLine::format(format_args!("a\0b"));
        assert_eq!(line.as_bytes_with_nul(), b"dmksynth: a?b\n\0");
    }
}
