//! The nine agent-kit functions, written once against [`crate::ops::TigrisOps`].
