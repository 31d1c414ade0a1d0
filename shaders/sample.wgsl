// Gathers a uniform sample of the particles (the same number from every cell
// of a sweep) into a small buffer, so that statistics of the population can
// be read back without copying all of it.

override WORKGROUP_SIZE: u32 = 64u;

struct SampleParams {
  // Sampled particles per cell.
  samples_per_cell: u32,
  // Cells (1 unless sweeping).
  cells: u32,
  // Particles per cell.
  starts_per_cell: u32,
  // Distance between two sampled particles of a cell.
  stride: u32,
}

@group(0) @binding(0) var<uniform> params: SampleParams;
// Per particle: x, y, loss, status code (the descent's `points`).
@group(0) @binding(1) var<storage, read> points: array<vec4f>;
// Per particle: update at which it stopped (the descent's `stop_steps`).
@group(0) @binding(2) var<storage, read> stop_steps: array<u32>;
// Per sample: loss, status code, stop step (bit-cast u32), unused.
@group(0) @binding(3) var<storage, read_write> samples: array<vec4f>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn gather(@builtin(workgroup_id) group: vec3u,
          @builtin(num_workgroups) groups: vec3u,
          @builtin(local_invocation_index) local: u32) {
  let sample = (group.y * groups.x + group.x) * WORKGROUP_SIZE + local;
  if (sample >= params.samples_per_cell * params.cells) {
    return;
  }
  let cell = sample / params.samples_per_cell;
  let index = cell * params.starts_per_cell + (sample % params.samples_per_cell) * params.stride;
  let point = points[index];
  samples[sample] = vec4f(point.z, point.w, bitcast<f32>(stop_steps[index]), 0.0);
}
