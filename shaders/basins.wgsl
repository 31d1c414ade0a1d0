// Basins of attraction: assigns every particle the nearest known minimum
// within the assignment radius, once it has converged (or, with
// assign_moving set while gradient noise is on, while it still moves), and
// counts the particles per basin. classifyParticle in src/core/basins.ts
// applies the same rule on the CPU.

override WORKGROUP_SIZE: u32 = 64u;

// Most minima distinguished; the same as MAX_BASINS in src/core/basins.ts.
const MAX_BASINS: u32 = 128u;
// Count slots: one per minimum, then other, diverged, moving.
const SLOTS: u32 = 131u;

// Basin codes past the minima indices; BASIN_* in src/core/basins.ts.
const BASIN_OTHER: u32 = 0xfffffffdu;
const BASIN_DIVERGED: u32 = 0xfffffffeu;
const BASIN_MOVING: u32 = 0xffffffffu;

// Status codes of shaders/descent.wgsl.
const STATUS_CONVERGED: u32 = 1u;
const STATUS_DIVERGED: u32 = 2u;

struct BasinParams {
  // Number of particles; invocations at or past it do nothing.
  particle_count: u32,
  // Entries of `minima` in use, at most MAX_BASINS.
  minima_count: u32,
  // Squared assignment radius, in squared surface units.
  radius_sq: f32,
  // 1: a moving particle within the radius of a minimum takes its basin
  // (gradient noise keeps particles from converging); 0: only converged ones do.
  assign_moving: u32,
}

@group(0) @binding(0) var<uniform> params: BasinParams;
// Per particle: x, y, loss, status code as a float (the descent's `points`).
@group(0) @binding(1) var<storage, read> points: array<vec4f>;
// Known minima: x, y, value, unused.
@group(0) @binding(2) var<storage, read> minima: array<vec4f>;
// Per particle: the index of its minimum, or BASIN_OTHER, BASIN_DIVERGED, BASIN_MOVING.
@group(0) @binding(3) var<storage, read_write> basins: array<u32>;
// Particles per slot (see SLOTS), summed over the dispatch.
@group(0) @binding(4) var<storage, read_write> counts: array<atomic<u32>>;

var<workgroup> group_counts: array<atomic<u32>, SLOTS>;

fn slot_of(basin: u32) -> u32 {
  if (basin == BASIN_OTHER) {
    return MAX_BASINS;
  }
  if (basin == BASIN_DIVERGED) {
    return MAX_BASINS + 1u;
  }
  if (basin == BASIN_MOVING) {
    return MAX_BASINS + 2u;
  }
  return basin;
}

fn classify_point(point: vec4f) -> u32 {
  let status = u32(point.w);
  if (status == STATUS_DIVERGED) {
    return BASIN_DIVERGED;
  }
  let converged = status == STATUS_CONVERGED;
  if (!converged && params.assign_moving == 0u) {
    return BASIN_MOVING;
  }
  var best = select(BASIN_MOVING, BASIN_OTHER, converged);
  var best_distance = 3.0e38;
  for (var k = 0u; k < params.minima_count; k++) {
    let difference = point.xy - minima[k].xy;
    let distance = difference.x * difference.x + difference.y * difference.y;
    if (distance <= params.radius_sq && distance < best_distance) {
      best = k;
      best_distance = distance;
    }
  }
  return best;
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn classify(@builtin(workgroup_id) group: vec3u,
            @builtin(num_workgroups) groups: vec3u,
            @builtin(local_invocation_index) local: u32) {
  for (var slot = local; slot < SLOTS; slot += WORKGROUP_SIZE) {
    atomicStore(&group_counts[slot], 0u);
  }
  workgroupBarrier();

  let index = (group.y * groups.x + group.x) * WORKGROUP_SIZE + local;
  if (index < params.particle_count) {
    let basin = classify_point(points[index]);
    basins[index] = basin;
    atomicAdd(&group_counts[slot_of(basin)], 1u);
  }

  workgroupBarrier();
  for (var slot = local; slot < SLOTS; slot += WORKGROUP_SIZE) {
    let count = atomicLoad(&group_counts[slot]);
    if (count != 0u) {
      atomicAdd(&counts[slot], count);
    }
  }
}

// Two configurations' maps, compared: `differing` counts the starts whose
// basins differ where both have settled (a start still moving in either one
// has no basin to compare yet). Uses params.particle_count only.
@group(0) @binding(5) var<storage, read> basins_a: array<u32>;
@group(0) @binding(6) var<storage, read> basins_b: array<u32>;
@group(0) @binding(7) var<storage, read_write> differing: atomic<u32>;

var<workgroup> group_differing: atomic<u32>;

@compute @workgroup_size(WORKGROUP_SIZE)
fn compare(@builtin(workgroup_id) group: vec3u,
           @builtin(num_workgroups) groups: vec3u,
           @builtin(local_invocation_index) local: u32) {
  if (local == 0u) {
    atomicStore(&group_differing, 0u);
  }
  workgroupBarrier();

  let index = (group.y * groups.x + group.x) * WORKGROUP_SIZE + local;
  if (index < params.particle_count && basins_a[index] != basins_b[index] && basins_a[index] != BASIN_MOVING && basins_b[index] != BASIN_MOVING) {
    atomicAdd(&group_differing, 1u);
  }

  workgroupBarrier();
  if (local == 0u) {
    let count = atomicLoad(&group_differing);
    if (count != 0u) {
      atomicAdd(&differing, count);
    }
  }
}
