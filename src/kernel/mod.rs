//! The Windows kernel shell (placeholder while the PortCls bindings land).
