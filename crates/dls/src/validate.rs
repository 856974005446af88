//! Range checks applied once at load, so the render path can trust the model.
