//! Articulation semantics: DLS2 default connections and the instrument-vs-region rule.
