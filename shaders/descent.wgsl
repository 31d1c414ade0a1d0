// Gradient descent of many particles over one surface.
//
// The surface module (generated from the formula by src/core/expr, never from
// raw user text) is concatenated in front of this file and defines
//   fn surface_value(p: vec2f) -> f32
//   fn surface_gradient(p: vec2f) -> vec2f
//
// Each invocation owns one particle. `step` keeps the particle's position and
// optimizer state in registers for all the updates of one dispatch, records
// trail points every `trail_every` updates, and reduces the status counts of
// its workgroup before a single atomic add per workgroup. The CPU reference in
// src/core/reference.ts performs the same float32 operations in the same
// order; keep the two in step.

override WORKGROUP_SIZE: u32 = 64u;

// Status codes; the same numbers as STATUS in src/core/config.ts.
const STATUS_MOVING: u32 = 0u;
const STATUS_CONVERGED: u32 = 1u;
const STATUS_DIVERGED: u32 = 2u;

// Layout of the statistics buffer; the same indices as STAT_* in src/gpu/layout.ts.
const STAT_MOVING: u32 = 0u;
const STAT_CONVERGED: u32 = 1u;
const STAT_DIVERGED: u32 = 2u;
const STAT_LOSS_MIN: u32 = 3u;
const STAT_LOSS_MAX: u32 = 4u;

struct Params {
  // Number of particles; invocations at or past it do nothing.
  particle_count: u32,
  // Global index t of the first update of this dispatch (t = 0 is the first update of a run).
  step_start: u32,
  // Updates per dispatch.
  step_count: u32,
  // Index of the particle whose every update is written to `history`.
  picked_index: u32,
  // Starts per row and rows of the start grid; listed starts use (count, 1).
  grid_size: vec2u,
  // A particle keeps a trail when its column and row are multiples of these.
  trail_stride: vec2u,
  // Grid of starts: xMin, yMin, cell width dx, cell height dy; x = xMin + (i + 0.5) dx.
  grid_origin: vec4f,
  // 1 when starts come from the grid, 0 when they are read from `starts`.
  use_grid: u32,
  // Trail particles per row: ceil(grid_size.x / trail_stride.x).
  trail_columns: u32,
  // A trail point is recorded after every `trail_every`-th update.
  trail_every: u32,
  // Points in each trail's ring.
  trail_length: u32,
  // Learning rate η; the update at step t uses schedule[t - step_start].x * η + schedule[...].y.
  lr: f32,
  // Coupled L2 penalty, added to the gradient as torch.optim does.
  weight_decay: f32,
  // Convergence: squared gradient norm and squared step length at most these.
  grad_tol_sq: f32,
  step_tol_sq: f32,
  // Divergence: a coordinate whose magnitude exceeds this, or is not finite.
  diverge_bound: f32,
  // Entries in the `history` ring.
  history_length: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
// Per particle: x, y, loss at (x, y), status code as a float. The renderer reads this buffer directly.
@group(0) @binding(1) var<storage, read_write> points: array<vec4f>;
// Per particle: optimizer state (momentum buffers, moment estimates); unused by plain descent.
@group(0) @binding(2) var<storage, read_write> opt_state: array<vec4f>;
// Per particle: the update count at which it converged or diverged; 0 while moving.
@group(0) @binding(3) var<storage, read_write> stop_steps: array<u32>;
// Per trail particle: a ring of `trail_length` points: x, y, loss at (x, y), unused.
@group(0) @binding(4) var<storage, read_write> trails: array<vec4f>;
// The picked particle after each update: x, y, loss, update count (bit-cast u32).
@group(0) @binding(5) var<storage, read_write> history: array<vec4f>;
// Status counts and loss range of this dispatch (see STAT_*).
@group(0) @binding(6) var<storage, read_write> stats: array<atomic<u32>>;
// Listed starts, x and y (read by `init` when use_grid is 0).
@group(0) @binding(7) var<storage, read> starts: array<vec2f>;
// Per update of this dispatch: learning-rate factor a and offset b, so lr_t = a * lr + b.
@group(0) @binding(8) var<storage, read> schedule: array<vec2f>;

var<workgroup> group_counts: array<atomic<u32>, 3>;
var<workgroup> group_loss_min: atomic<u32>;
var<workgroup> group_loss_max: atomic<u32>;

// Linear particle index from a 2D dispatch, which allows more than 65,535 workgroups.
fn particle_index(group: vec3u, groups: vec3u, local: u32) -> u32 {
  return (group.y * groups.x + group.x) * WORKGROUP_SIZE + local;
}

// True when v is infinite or NaN. Tests the exponent bits, because WGSL lets
// implementations assume floats are finite, so comparisons with NaN or
// isinf-style tests may be optimised away.
fn is_not_finite(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7f800000u) == 0x7f800000u;
}

fn escapes(p: vec2f) -> bool {
  return is_not_finite(p.x) || is_not_finite(p.y)
      || abs(p.x) > params.diverge_bound || abs(p.y) > params.diverge_bound;
}

// Maps a float to a u32 whose unsigned order is the float order, for atomicMin/Max.
fn order_key(v: f32) -> u32 {
  let bits = bitcast<u32>(v);
  if ((bits & 0x80000000u) != 0u) {
    return ~bits;
  }
  return bits | 0x80000000u;
}

// Loss as stored for drawing and statistics: finite, so no NaN or infinity
// ever reaches a vertex or a plot.
fn finite_loss(p: vec2f) -> f32 {
  let value = surface_value(p);
  if (is_not_finite(value)) {
    return 3.0e38;
  }
  return value;
}

fn trail_slot(index: u32) -> i32 {
  let column = index % params.grid_size.x;
  let row = index / params.grid_size.x;
  if (column % params.trail_stride.x != 0u || row % params.trail_stride.y != 0u) {
    return -1;
  }
  return i32((row / params.trail_stride.y) * params.trail_columns + column / params.trail_stride.x);
}

fn record_trail(slot: i32, updates_done: u32, p: vec2f, loss: f32) {
  let ring = (updates_done / params.trail_every) % params.trail_length;
  trails[u32(slot) * params.trail_length + ring] = vec4f(p, loss, 0.0);
}

fn grid_start(index: u32) -> vec2f {
  let column = f32(index % params.grid_size.x);
  let row = f32(index / params.grid_size.x);
  let origin = params.grid_origin;
  return vec2f(origin.x + (column + 0.5) * origin.z, origin.y + (row + 0.5) * origin.w);
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn init(@builtin(workgroup_id) group: vec3u,
        @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let index = particle_index(group, groups, local);
  if (index >= params.particle_count) {
    return;
  }

  var p: vec2f;
  if (params.use_grid == 1u) {
    p = grid_start(index);
  } else {
    p = starts[index];
  }

  let loss = finite_loss(p);
  points[index] = vec4f(p, loss, f32(STATUS_MOVING));
  stop_steps[index] = 0u;

  let slot = trail_slot(index);
  if (slot >= 0) {
    for (var k = 0u; k < params.trail_length; k++) {
      trails[u32(slot) * params.trail_length + k] = vec4f(p, loss, 0.0);
    }
  }

  if (index == params.picked_index) {
    history[0] = vec4f(p, loss, bitcast<f32>(0u));
  }
}

@compute @workgroup_size(WORKGROUP_SIZE)
fn step(@builtin(workgroup_id) group: vec3u,
        @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  if (local == 0u) {
    atomicStore(&group_counts[0], 0u);
    atomicStore(&group_counts[1], 0u);
    atomicStore(&group_counts[2], 0u);
    atomicStore(&group_loss_min, 0xffffffffu);
    atomicStore(&group_loss_max, 0u);
  }
  workgroupBarrier();

  let index = particle_index(group, groups, local);
  let in_range = index < params.particle_count;

  if (in_range) {
    let point = points[index];
    var p = point.xy;
    var loss = point.z;
    var status = u32(point.w);
    let step_end = params.step_start + params.step_count;
    var t = params.step_start;
    var stop_step = 0u;
    let slot = trail_slot(index);

    while (status == STATUS_MOVING && t < step_end) {
      var g = surface_gradient(p);
      if (params.weight_decay != 0.0) {
        g = g + params.weight_decay * p;
      }

      let coefficients = schedule[t - params.step_start];
      let lr = coefficients.x * params.lr + coefficients.y;
      let delta = -lr * g;
      let next = p + delta;
      t = t + 1u;

      if (escapes(next)) {
        // Frozen at the last finite position, so no NaN reaches the vertices.
        status = STATUS_DIVERGED;
        stop_step = t;
      } else {
        p = next;
        let grad_sq = g.x * g.x + g.y * g.y;
        let step_sq = delta.x * delta.x + delta.y * delta.y;
        if (grad_sq <= params.grad_tol_sq && step_sq <= params.step_tol_sq) {
          status = STATUS_CONVERGED;
          stop_step = t;
        }
      }

      if (slot >= 0 && t % params.trail_every == 0u) {
        record_trail(slot, t, p, finite_loss(p));
      }
      if (index == params.picked_index) {
        history[t % params.history_length] = vec4f(p, finite_loss(p), bitcast<f32>(t));
      }
    }

    // A frozen particle keeps writing its position at the trail ticks left in
    // this dispatch, so the drawn path ends where it stopped. Only the last
    // `trail_length` ticks matter: earlier ones would be overwritten.
    if (slot >= 0 && status != STATUS_MOVING) {
      let frozen_loss = finite_loss(p);
      let every = params.trail_every;
      let last_tick = (step_end / every) * every;
      var tick = (t / every + 1u) * every;
      if (last_tick >= tick + params.trail_length * every) {
        tick = last_tick - (params.trail_length - 1u) * every;
      }
      for (; tick <= last_tick; tick += every) {
        record_trail(slot, tick, p, frozen_loss);
      }
    }

    if (stop_step != 0u) {
      stop_steps[index] = stop_step;
    }
    if (t != params.step_start) {
      loss = finite_loss(p);
      points[index] = vec4f(p, loss, f32(status));
    }

    atomicAdd(&group_counts[status], 1u);
    if (status != STATUS_DIVERGED) {
      atomicMin(&group_loss_min, order_key(loss));
      atomicMax(&group_loss_max, order_key(loss));
    }
  }

  workgroupBarrier();
  if (local == 0u) {
    let moving = atomicLoad(&group_counts[0]);
    let converged = atomicLoad(&group_counts[1]);
    let diverged = atomicLoad(&group_counts[2]);
    if (moving != 0u) {
      atomicAdd(&stats[STAT_MOVING], moving);
    }
    if (converged != 0u) {
      atomicAdd(&stats[STAT_CONVERGED], converged);
    }
    if (diverged != 0u) {
      atomicAdd(&stats[STAT_DIVERGED], diverged);
    }
    atomicMin(&stats[STAT_LOSS_MIN], atomicLoad(&group_loss_min));
    atomicMax(&stats[STAT_LOSS_MAX], atomicLoad(&group_loss_max));
  }
}
