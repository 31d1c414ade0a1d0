// Tells whether the adapter keeps float32 results below the smallest normal
// number (2⁻¹²⁶) or flushes them to 0, which WGSL allows. The inputs come from
// a buffer, so no compiler can fold the products into constants.
//
//   values[0] = 2⁻¹²⁶, values[1] = 0.5 (written by the CPU)
//   values[2] = 2⁻¹²⁶ · 0.5, values[3] = 2⁻¹²⁶ / 4 (written here)
// Both results are 2⁻¹²⁷ and 2⁻¹²⁸ where subnormals are kept, 0 where flushed.

@group(0) @binding(0) var<storage, read_write> values: array<f32, 4>;

@compute @workgroup_size(1)
fn main() {
  values[2] = values[0] * values[1];
  values[3] = values[0] / 4.0;
}
