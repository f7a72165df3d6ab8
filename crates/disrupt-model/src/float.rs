//! Numbers that may be NaN: JSON has no NaN, so serde_json writes it as `null`; these
//! read `null` back as NaN, so a file read and written again is the same bytes.

use serde::{Deserialize, Deserializer};

/// An `f64` that reads `null` as NaN.
pub fn nan_or<'de, D: Deserializer<'de>>(deserializer: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(deserializer)?.unwrap_or(f64::NAN))
}
