//! Host stand-in for the PortCls DMus port.
