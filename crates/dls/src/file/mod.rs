//! `.dls` files: the no_std reader and (with `std`) the writer.
