// Gradient descent of many particles over one surface.
//
// The surface module (generated from the formula by src/core/expr, never from
// raw user text) is concatenated in front of this file and defines
//   fn surface_value_checked(p: vec2f) -> vec2f       f, domain check
//   fn surface_gradient_checked(p: vec2f) -> vec3f    df/dx, df/dy, domain check
// where the domain check is nonzero at points where the formula is undefined
// (log or sqrt of a negative number, a division by zero, ...).
//
// Each invocation of `step` owns one particle. It keeps the particle's position
// and optimizer state in registers for all the updates of one dispatch and
// records trail points every `trail_every` updates. `reduce_stats` then counts
// the particles of each status in registers and workgroups, with a single
// atomic add per workgroup. The CPU reference in src/core/reference.ts
// performs the same float32 operations in the same order; keep the two in step.

override WORKGROUP_SIZE: u32 = 64u;
// Update rule; the same numbers as OPTIMIZER_CODES in src/gpu/layout.ts.
override OPTIMIZER: u32 = 0u;
// vec4f entries of optimizer state per particle (0 to 2).
override STATE_ENTRIES: u32 = 0u;
// Options of the lean kernel `step_lean`, one pipeline per combination in use:
// the learning rate of each update from `tables` (a schedule that changes
// within the dispatch), gradient noise, weight decay added to the gradient,
// and the update rule's options AMSGrad (adam, adamw) and centred (rmsprop).
override LEAN_SCHEDULE: bool = false;
override LEAN_NOISE: bool = false;
override LEAN_COUPLED_DECAY: bool = false;
override LEAN_AMSGRAD: bool = false;
override LEAN_CENTERED: bool = false;
// Four updates per iteration of the loop over a chunk of `step_lean` in place
// of one, for update rules so cheap that an iteration costs as much as an update.
override LEAN_UNROLL: bool = false;
// Updates per chunk of `step_lean` without stopping tests, a multiple of 4.
const LEAN_CHUNK: u32 = 20u;

const OPTIMIZER_GD: u32 = 0u;
const OPTIMIZER_MOMENTUM: u32 = 1u;
const OPTIMIZER_NESTEROV: u32 = 2u;
const OPTIMIZER_ADAGRAD: u32 = 3u;
const OPTIMIZER_RMSPROP: u32 = 4u;
const OPTIMIZER_ADAM: u32 = 5u;
const OPTIMIZER_ADAMW: u32 = 6u;

// Bits of Params.flags; the same as FLAG_* in src/gpu/layout.ts.
const FLAG_CENTERED: u32 = 1u;
const FLAG_AMSGRAD: u32 = 2u;

// Polar-method attempts per Gaussian pair before giving up with (0, 0).
const MAX_NOISE_ATTEMPTS: u32 = 16u;

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

// Loss stored where the loss is undefined or not finite: finite, so that the
// vertex shaders that read `points` and `trails` never see NaN or infinity, and
// read back as "no loss" (MISSING_LOSS in src/gpu/layout.ts, the same value).
const MISSING_LOSS: f32 = 3.0e38;

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
  // Starts per cell: particle i starts at start i mod starts_per_cell and
  // reads its hyperparameters from cell i / starts_per_cell (sweeps have
  // several cells, other runs one).
  starts_per_cell: u32,
  // L2 penalty λ: added to the gradient, or decoupled (AdamW: p ← p − η λ p).
  weight_decay: f32,
  // Convergence: squared gradient norm and squared step length at most these.
  grad_tol_sq: f32,
  step_tol_sq: f32,
  // Divergence: a coordinate whose magnitude exceeds this, or is not finite.
  diverge_bound: f32,
  // Entries in the `history` ring.
  history_length: u32,
  // 1 − dampening (SGD); the momentum itself is per cell, in `tables`.
  one_minus_dampening: f32,
  // ε of AdaGrad, RMSprop and Adam.
  eps: f32,
  // AdaGrad: learning-rate decay, and the starting sum of squared gradients.
  lr_decay: f32,
  initial_accumulator: f32,
  // RMSprop: α and 1 − α, each rounded once from float64 as PyTorch does.
  alpha: f32,
  one_minus_alpha: f32,
  // Adam: β₂ and 1 − β₂; β₁ is per cell, in `tables`.
  beta2: f32,
  one_minus_beta2: f32,
  // FLAG_CENTERED, FLAG_AMSGRAD.
  flags: u32,
  // Gradient noise: standard deviation σ per component, and the generator's seed.
  noise_sigma: f32,
  noise_seed: u32,
  // Entry of `tables` where the per-cell hyperparameters begin (after the schedule).
  cell_offset: u32,
  // Particles that keep a trail: trail_columns times the trail rows.
  trail_count: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
// Per particle: x, y, loss at (x, y) (MISSING_LOSS where undefined), status code as a float.
// The renderer reads this buffer directly.
@group(0) @binding(1) var<storage, read_write> points: array<vec4f>;
// Per particle: optimizer state (momentum buffers, moment estimates); unused by plain descent.
@group(0) @binding(2) var<storage, read_write> opt_state: array<vec4f>;
// Per particle: the update count at which it converged or diverged; 0 while moving.
@group(0) @binding(3) var<storage, read_write> stop_steps: array<u32>;
// Per trail particle: a ring of `trail_length` points: x, y, loss at (x, y), unused.
@group(0) @binding(4) var<storage, read_write> trails: array<vec4f>;
// The picked particle after each update: x, y, loss, update count (bit-cast u32).
@group(0) @binding(5) var<storage, read_write> history: array<vec4f>;
// Status counts, and the loss range of the particles that have not diverged and have a loss (see STAT_*).
@group(0) @binding(6) var<storage, read_write> stats: array<atomic<u32>>;
// Listed starts, x and y (read by `init` when use_grid is 0).
@group(0) @binding(7) var<storage, read> starts: array<vec2f>;
// Per update of this dispatch: learning-rate factor a and offset b, so lr_t = a * lr + b.
// Per update of this dispatch: learning-rate factor a and offset b (x, y), so
// lr_t = a * lr + b. Then, from cell_offset on, per cell: learning rate η,
// momentum μ, β₁ and 1 − β₁.
@group(0) @binding(8) var<storage, read> tables: array<vec4f>;

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

// The larger coordinate magnitude of v as the bits of a float. The magnitude
// bits of non-negative floats, as unsigned integers, are in the order of the
// floats, with infinities and NaN above every finite value.
fn magnitude_bits(v: vec2f) -> u32 {
  let magnitude = bitcast<vec2u>(v) & vec2u(0x7fffffffu);
  return max(magnitude.x, magnitude.y);
}

// The bits of diverge_bound as a threshold for `exceeds`, capped at the
// largest finite float so that infinities and NaN always exceed it.
fn escape_bound() -> u32 {
  return min(bitcast<u32>(params.diverge_bound), 0x7f7fffffu);
}

// True when a coordinate of p is not finite or its magnitude exceeds the float
// whose bits are `bound`: for a bound that is not negative, this is
// is_not_finite(v) || abs(v) > bound per coordinate, without branches.
fn exceeds(p: vec2f, bound: u32) -> bool {
  return magnitude_bits(p) > bound;
}

fn escapes(p: vec2f) -> bool {
  return exceeds(p, escape_bound());
}

// Maps a float to a u32 whose unsigned order is the float order, for atomicMin/Max:
// the complement of a negative float's bits, a positive float's bits with the sign bit set.
fn order_key(v: f32) -> u32 {
  let bits = bitcast<u32>(v);
  // All ones for a negative float, zero otherwise (an arithmetic shift of the sign bit).
  let negative = bitcast<u32>(bitcast<i32>(bits) >> 31u);
  return bits ^ (negative | 0x80000000u);
}

// True when the gradient from surface_gradient_checked is undefined (the
// domain check is set) or not finite. exceeds() with the largest finite float
// as the bound is the bit test of is_not_finite for both coordinates at once.
fn gradient_undefined(checked: vec3f) -> bool {
  return exceeds(checked.xy, 0x7f7fffffu) | (checked.z != 0.0);
}

// Loss as stored for drawing and statistics: the loss, or MISSING_LOSS where
// it is undefined or not finite, so no NaN or infinity reaches a vertex.
fn stored_loss(p: vec2f) -> f32 {
  let checked = surface_value_checked(p);
  if (checked.y != 0.0 || is_not_finite(checked.x) || checked.x >= MISSING_LOSS) {
    return MISSING_LOSS;
  }
  return checked.x;
}

fn trail_slot(index: u32) -> i32 {
  // Only the particles of the first cell keep trails.
  if (index >= params.starts_per_cell) {
    return -1;
  }
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

// The lowbias32 mixer (C. Wellons, "Prospecting for Hash Functions", 2018); lowbias32 in src/core/noise.ts.
fn lowbias32(value: u32) -> u32 {
  var x = value;
  x ^= x >> 16u;
  x *= 0x7feb352du;
  x ^= x >> 15u;
  x *= 0x846ca68bu;
  x ^= x >> 16u;
  return x;
}

fn noise_bits(particle: u32, step: u32, draw: u32) -> u32 {
  var h = lowbias32(params.noise_seed ^ 0x9e3779b9u);
  h = lowbias32(h ^ particle);
  h = lowbias32(h ^ step);
  return lowbias32(h ^ draw);
}

// Uniform in [-1, 1) from the top 24 bits, exact in float32.
fn uniform_signed(bits: u32) -> f32 {
  return f32(bits >> 8u) * 1.1920928955078125e-7 - 1.0;
}

// Two independent standard normal samples by Marsaglia's polar method; gaussianPair in src/core/noise.ts.
fn gaussian_pair(particle: u32, step: u32) -> vec2f {
  for (var attempt = 0u; attempt < MAX_NOISE_ATTEMPTS; attempt++) {
    let u = uniform_signed(noise_bits(particle, step, 2u * attempt));
    let v = uniform_signed(noise_bits(particle, step, 2u * attempt + 1u));
    let s = u * u + v * v;
    if (s > 0.0 && s < 1.0) {
      let factor = sqrt(-2.0 * log(s) / s);
      return vec2f(u * factor, v * factor);
    }
  }
  return vec2f(0.0);
}

// Optimizer state of one particle, in registers during a dispatch. Entry
// meanings per optimizer (see src/gpu/layout.ts, stateEntries):
//   momentum, nesterov: s0.xy = momentum buffer b
//   adagrad:            s0.xy = sum of squared gradients
//   rmsprop:            s0.xy = square average v, s0.zw = gradient average, s1.xy = momentum buffer
//   adam, adamw:        s0.xy = first moment m, s0.zw = second moment v, s1.xy = 1 − β₁ᵗ, 1 − β₂ᵗ, s1.zw = max of v (AMSGrad)
struct OptimizerState {
  s0: vec4f,
  s1: vec4f,
}

// The hyperparameters of one particle, read once before its loop of updates
// from its cell of `tables` and from `params`, so that the loop reads only
// registers. With the tolerances read from `params` in the loop, Adam in
// `step_lean` ran about 10% slower on SwiftShader.
struct Hyper {
  momentum: f32,
  beta1: f32,
  one_minus_beta1: f32,
  beta2: f32,
  one_minus_beta2: f32,
  eps: f32,
  one_minus_dampening: f32,
  lr_decay: f32,
  alpha: f32,
  one_minus_alpha: f32,
  weight_decay: f32,
  centered: bool,
  amsgrad: bool,
}

fn load_hyper(cell: vec4f) -> Hyper {
  return Hyper(cell.y, cell.z, cell.w, params.beta2, params.one_minus_beta2, params.eps,
               params.one_minus_dampening, params.lr_decay, params.alpha, params.one_minus_alpha,
               params.weight_decay, (params.flags & FLAG_CENTERED) != 0u, (params.flags & FLAG_AMSGRAD) != 0u);
}

// Applies one update of the optimizer at update t with learning rate lr to
// position p and gradient g (noise and coupled weight decay included), and
// returns the new position. The order of operations is mirrored by
// advanceParticle in src/core/reference.ts.
fn optimizer_step(p: vec2f, g: vec2f, lr: f32, t: u32, h: Hyper, state: ptr<function, OptimizerState>) -> vec2f {
  let momentum = h.momentum;
  let beta1 = h.beta1;
  let one_minus_beta1 = h.one_minus_beta1;
  switch OPTIMIZER {
    case OPTIMIZER_MOMENTUM, OPTIMIZER_NESTEROV: {
      var buffer = (*state).s0.xy;
      // As torch.optim.SGD: the first step copies g, and with momentum 0 there is no buffer, so no dampening.
      if (t == 0u || momentum == 0.0) {
        buffer = g;
      } else {
        buffer = momentum * buffer + h.one_minus_dampening * g;
      }
      (*state).s0 = vec4f(buffer, 0.0, 0.0);
      var direction = buffer;
      if (OPTIMIZER == OPTIMIZER_NESTEROV) {
        direction = g + momentum * buffer;
      }
      return p + (-lr) * direction;
    }
    case OPTIMIZER_ADAGRAD: {
      let decayed_lr = lr / (1.0 + f32(t) * h.lr_decay);
      let sum = (*state).s0.xy + g * g;
      (*state).s0 = vec4f(sum, 0.0, 0.0);
      return p + (-decayed_lr) * g / (sqrt(sum) + h.eps);
    }
    case OPTIMIZER_RMSPROP: {
      let square_average = h.alpha * (*state).s0.xy + h.one_minus_alpha * g * g;
      var grad_average = (*state).s0.zw;
      var denominator_square = square_average;
      if (h.centered) {
        grad_average = h.alpha * grad_average + h.one_minus_alpha * g;
        denominator_square = denominator_square - grad_average * grad_average;
      }
      (*state).s0 = vec4f(square_average, grad_average);
      let scaled = g / (sqrt(denominator_square) + h.eps);
      if (momentum > 0.0) {
        let buffer = momentum * (*state).s1.xy + scaled;
        (*state).s1 = vec4f(buffer, 0.0, 0.0);
        return p + (-lr) * buffer;
      }
      return p + (-lr) * scaled;
    }
    case OPTIMIZER_ADAM, OPTIMIZER_ADAMW: {
      var start = p;
      if (OPTIMIZER == OPTIMIZER_ADAMW) {
        start = p - lr * h.weight_decay * p;
      }
      let m = beta1 * (*state).s0.xy + one_minus_beta1 * g;
      let v = h.beta2 * (*state).s0.zw + h.one_minus_beta2 * g * g;
      // 1 − βᵗ by the same recurrence as the moments, so that the weights of a
      // moment and its correction are the same float32 numbers (see optimizers.ts).
      let corrections = vec2f(beta1, h.beta2) * (*state).s1.xy + vec2f(one_minus_beta1, h.one_minus_beta2);
      let m_hat = m / corrections.x;
      // AMSGrad keeps the running maximum of the uncorrected v and corrects that, as PyTorch does.
      var v_max = (*state).s1.zw;
      var v_hat = v / corrections.y;
      if (h.amsgrad) {
        v_max = max(v_max, v);
        v_hat = v_max / corrections.y;
      }
      (*state).s0 = vec4f(m, v);
      (*state).s1 = vec4f(corrections, v_max);
      return start + (-lr) * m_hat / (sqrt(v_hat) + h.eps);
    }
    default: {
      return p + (-lr) * g;
    }
  }
}

fn initial_state() -> OptimizerState {
  switch OPTIMIZER {
    case OPTIMIZER_ADAGRAD: {
      return OptimizerState(vec4f(params.initial_accumulator, params.initial_accumulator, 0.0, 0.0), vec4f(0.0));
    }
    case OPTIMIZER_ADAM, OPTIMIZER_ADAMW: {
      // β₁⁰ = β₂⁰ = 1: the running powers start at 1.
      return OptimizerState(vec4f(0.0), vec4f(0.0));
    }
    default: {
      return OptimizerState(vec4f(0.0), vec4f(0.0));
    }
  }
}

fn load_state(index: u32) -> OptimizerState {
  var state = OptimizerState(vec4f(0.0), vec4f(0.0));
  if (STATE_ENTRIES >= 1u) {
    state.s0 = opt_state[index * STATE_ENTRIES];
  }
  if (STATE_ENTRIES >= 2u) {
    state.s1 = opt_state[index * STATE_ENTRIES + 1u];
  }
  return state;
}

fn store_state(index: u32, state: OptimizerState) {
  if (STATE_ENTRIES >= 1u) {
    opt_state[index * STATE_ENTRIES] = state.s0;
  }
  if (STATE_ENTRIES >= 2u) {
    opt_state[index * STATE_ENTRIES + 1u] = state.s1;
  }
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

  let start = index % params.starts_per_cell;
  var p: vec2f;
  if (params.use_grid == 1u) {
    p = grid_start(start);
  } else {
    p = starts[start];
  }

  let loss = stored_loss(p);
  points[index] = vec4f(p, loss, f32(STATUS_MOVING));
  stop_steps[index] = 0u;
  store_state(index, initial_state());

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

// Moves one particle through the updates of a dispatch, with every option:
// per-update schedule, gradient noise, coupled weight decay, trail points and
// the picked particle's history.
fn advance(index: u32) {
  let slot = trail_slot(index);
  let point = points[index];
  var p = point.xy;
  var loss = point.z;
  var status = u32(point.w);
  let step_end = params.step_start + params.step_count;
  var t = params.step_start;
  var stop_step = 0u;

  var state = load_state(index);
  let cell = tables[params.cell_offset + index / params.starts_per_cell];
  let hyper = load_hyper(cell);

  while (status == STATUS_MOVING && t < step_end) {
    let checked = surface_gradient_checked(p);
    var g = checked.xy;
    if (params.noise_sigma != 0.0) {
      g = g + params.noise_sigma * gaussian_pair(index, t);
    }
    if (params.weight_decay != 0.0 && OPTIMIZER != OPTIMIZER_ADAMW) {
      g = g + params.weight_decay * p;
    }

    let coefficients = tables[t - params.step_start];
    let lr = coefficients.x * cell.x + coefficients.y;
    let next = optimizer_step(p, g, lr, t, hyper, &state);
    let delta = next - p;
    t = t + 1u;

    if (gradient_undefined(checked) || escapes(next)) {
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
      record_trail(slot, t, p, stored_loss(p));
    }
    if (index == params.picked_index) {
      history[t % params.history_length] = vec4f(p, stored_loss(p), bitcast<f32>(t));
    }
  }

  // A frozen particle keeps writing its position at the trail ticks left in
  // this dispatch, so the drawn path ends where it stopped. Only the last
  // `trail_length` ticks matter: earlier ones would be overwritten.
  if (slot >= 0 && status != STATUS_MOVING) {
    let frozen_loss = stored_loss(p);
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
    store_state(index, state);
  }
  if (t != params.step_start) {
    loss = stored_loss(p);
    points[index] = vec4f(p, loss, f32(status));
  }
}

// Every particle through the general loop, for a dispatch whose variant of
// step_lean is still compiling.
@compute @workgroup_size(WORKGROUP_SIZE)
fn step(@builtin(workgroup_id) group: vec3u,
        @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let index = particle_index(group, groups, local);
  if (index < params.particle_count) {
    advance(index);
  }
}

// The particles that step_lean leaves, after it: invocation k < trail_count
// moves the particle of trail slot k, and invocation trail_count the picked
// particle unless it keeps a trail. A dispatch of a few workgroups covers them.
@compute @workgroup_size(WORKGROUP_SIZE)
fn step_tracked(@builtin(workgroup_id) group: vec3u,
                @builtin(num_workgroups) groups: vec3u,
                @builtin(local_invocation_index) local: u32) {
  let k = particle_index(group, groups, local);
  if (k < params.trail_count) {
    let row = (k / params.trail_columns) * params.trail_stride.y;
    let column = (k % params.trail_columns) * params.trail_stride.x;
    advance(row * params.grid_size.x + column);
  } else if (k == params.trail_count && params.picked_index < params.particle_count && trail_slot(params.picked_index) < 0) {
    advance(params.picked_index);
  }
}

// One update of `step_lean`: the new position, the gradient that made it, and
// whether the surface is undefined at the old position.
struct LeanUpdate {
  next: vec2f,
  gradient: vec2f,
  undefined_here: bool,
}

fn lean_update(index: u32, p: vec2f, t: u32, cell: vec4f, first_lr: f32, hyper: Hyper, state: ptr<function, OptimizerState>) -> LeanUpdate {
  let checked = surface_gradient_checked(p);
  var g = checked.xy;
  if (LEAN_NOISE) {
    g = g + params.noise_sigma * gaussian_pair(index, t);
  }
  if (LEAN_COUPLED_DECAY) {
    g = g + hyper.weight_decay * p;
  }
  var lr = first_lr;
  if (LEAN_SCHEDULE) {
    let coefficients = tables[t - params.step_start];
    lr = coefficients.x * cell.x + coefficients.y;
  }
  return LeanUpdate(optimizer_step(p, g, lr, t, hyper, state), g, checked.z != 0.0);
}

// A chunk of `step_lean` so far: the position, the smallest gradient
// magnitude, the largest coordinate magnitude of the new positions or, with
// GRADIENT_REACH, of the gradients (all as magnitude_bits), and whether the
// surface was undefined at a point.
struct ChunkRun {
  p: vec2f,
  least_gradient: u32,
  largest: u32,
  undefined_seen: bool,
}

// Plain descent at a constant rate moves each coordinate by at most
// |rate| × |gradient| per update, so the largest gradient magnitude of a chunk
// bounds every position in it (see `reach_exceeds`). Tracking it instead of
// the positions' magnitudes saves two operations per update, since the
// gradient's magnitude bits are already at hand for `least_gradient`.
override GRADIENT_REACH: bool = OPTIMIZER == OPTIMIZER_GD && !LEAN_SCHEDULE;

// One update t of a chunk, without stopping tests.
fn chunk_update(index: u32, t: u32, cell: vec4f, first_lr: f32, hyper: Hyper, state: ptr<function, OptimizerState>, run: ptr<function, ChunkRun>) {
  let update = lean_update(index, (*run).p, t, cell, first_lr, hyper, state);
  let gradient_bits = magnitude_bits(update.gradient);
  (*run).least_gradient = min((*run).least_gradient, gradient_bits);
  if (GRADIENT_REACH) {
    (*run).largest = max((*run).largest, gradient_bits);
  } else {
    (*run).largest = max((*run).largest, magnitude_bits(update.next));
  }
  (*run).undefined_seen = (*run).undefined_seen | update.undefined_here;
  (*run).p = update.next;
}

// For GRADIENT_REACH: true unless every position of a chunk that began at
// `start`, with rate `lr` and largest gradient magnitude bits `largest`, is
// finite and within the bound whose bits are `bound`. An update computes
// fl(p + fl(−lr × g)), or the same fused, so with round-to-nearest each
// coordinate grows by at most |lr| |g| (1 + u) and then a factor 1 + u, where
// u = 2⁻²⁴; flushing a subnormal to zero only makes a result smaller. After
// n ≤ LEAN_CHUNK updates a coordinate's magnitude is at most
// (P + n |lr| G)(1 + u)^(2n) with P the start's largest coordinate magnitude
// and G the largest gradient magnitude. The margin 1.001 covers
// (1 + u)^(2 LEAN_CHUNK) and the rounding of this estimate's own three
// operations; 1e-30 covers absolute errors below the normal range. A gradient
// that is not finite has magnitude bits above the largest finite float.
fn reach_exceeds(start: vec2f, lr: f32, largest: u32, bound: u32) -> bool {
  let gradient = bitcast<f32>(min(largest, 0x7f7fffffu));
  let reach = (bitcast<f32>(magnitude_bits(start)) + f32(LEAN_CHUNK) * abs(lr) * gradient) * 1.001 + 1e-30;
  return (largest > 0x7f7fffffu) | (bitcast<u32>(reach) > bound);
}

// The bits of the gradient magnitude at or below which `step_lean` repeats a
// chunk with the tests. Convergence needs fl(gx² + gy²) <= grad_tol_sq, so
// fl(gx²) <= grad_tol_sq, and with gx² normal |gx| <= sqrt(grad_tol_sq) (1 + 2⁻²⁴);
// likewise gy. The factor 1.0001 covers that and the error of WGSL's sqrt.
// A square flushed to zero or subnormal means |gx| < 2⁻⁶³.
fn near_convergence_bits() -> u32 {
  return bitcast<u32>(max(sqrt(params.grad_tol_sq) * 1.0001, 0x1p-62f));
}

// The updates of a dispatch for every particle that keeps no trail and no
// history; `step_tracked` then moves the others. The options that the general
// loop of `advance` tests on every update are override constants here, so the
// compiled kernel holds only the work its dispatch needs. On SwiftShader
// every `if` in a loop costs its body for all lanes, taken or not, so with a
// constant learning rate this kernel ran about 10 times as fast as `advance`.
// Its body has no other branches (`&` and select() in place of `&&` and
// `if`), because every test per update costs as much as the update itself on
// cheap surfaces. Keep its arithmetic the same as the loop of `advance`.
//
// The stopping tests, too, cost about as much as a cheap update, so most
// updates run in chunks of LEAN_CHUNK without them. A chunk keeps two running
// bounds instead: the largest coordinate magnitude of the new positions (for
// plain descent at a constant rate, the largest gradient magnitude, which
// bounds them) and the smallest gradient magnitude. When neither says that a
// test might have passed (a position past the bound or not finite, a gradient
// small enough to converge) and no point was undefined, the tested loop would not have
// stopped, so the chunk's updates are exactly its updates. Otherwise the
// particle goes back to where the chunk began and leaves the chunks, and the
// tested loop after them repeats the updates from there. That loop also takes
// the updates that do not fill a chunk. With 100 updates per dispatch on
// SwiftShader, plain descent ran about 1.2 times as fast as with the tests on
// every update, and Adam about as fast.
@compute @workgroup_size(WORKGROUP_SIZE)
fn step_lean(@builtin(workgroup_id) group: vec3u,
             @builtin(num_workgroups) groups: vec3u,
             @builtin(local_invocation_index) local: u32) {
  let index = particle_index(group, groups, local);
  if (index >= params.particle_count || trail_slot(index) >= 0 || index == params.picked_index) {
    return;
  }
  let point = points[index];
  var p = point.xy;
  var status = u32(point.w);
  if (status != STATUS_MOVING) {
    return;
  }
  let step_end = params.step_start + params.step_count;
  var t = params.step_start;
  var state = load_state(index);
  let cell = tables[params.cell_offset + index / params.starts_per_cell];
  let first = tables[0];
  let first_lr = first.x * cell.x + first.y;
  // The options as constants, so that the compiled update holds no test of
  // them: with the test of AMSGrad in its loop, Adam ran up to 30% slower
  // on SwiftShader.
  var hyper = load_hyper(cell);
  hyper.amsgrad = LEAN_AMSGRAD;
  hyper.centered = LEAN_CENTERED;
  let bound = escape_bound();
  let grad_tol_sq = params.grad_tol_sq;
  let step_tol_sq = params.step_tol_sq;

  let near_bits = near_convergence_bits();
  for (var chunk = 0u; chunk < params.step_count / LEAN_CHUNK; chunk++) {
    let chunk_state = state;
    var run = ChunkRun(p, 0xffffffffu, 0u, false);
    for (var k = 0u; k < LEAN_CHUNK; k += select(1u, 4u, LEAN_UNROLL)) {
      chunk_update(index, t + k, cell, first_lr, hyper, &state, &run);
      if (LEAN_UNROLL) {
        chunk_update(index, t + k + 1u, cell, first_lr, hyper, &state, &run);
        chunk_update(index, t + k + 2u, cell, first_lr, hyper, &state, &run);
        chunk_update(index, t + k + 3u, cell, first_lr, hyper, &state, &run);
      }
    }
    var escaped = run.largest > bound;
    if (GRADIENT_REACH) {
      escaped = reach_exceeds(p, first_lr, run.largest, bound);
    }
    if (escaped | (run.least_gradient <= near_bits) | run.undefined_seen) {
      state = chunk_state;
      break;
    }
    p = run.p;
    t = t + LEAN_CHUNK;
  }

  while ((status == STATUS_MOVING) & (t < step_end)) {
    let update = lean_update(index, p, t, cell, first_lr, hyper, &state);
    let delta = update.next - p;
    t = t + 1u;

    // A diverged particle keeps its last position; divergence takes precedence
    // over convergence. `advance` also tests the gradient for infinities and
    // NaN; that test is left out here because it cannot change the outcome:
    // every update rule takes the gradient into the new position through
    // products and sums (0 times infinity is NaN, so a zero rate carries it
    // too), so a gradient that is not finite makes `next` not finite, which
    // `exceeds` catches. Without it plain descent ran about 15% faster.
    let diverged = exceeds(update.next, bound) | update.undefined_here;
    let g = update.gradient;
    let grad_sq = g.x * g.x + g.y * g.y;
    let step_sq = delta.x * delta.x + delta.y * delta.y;
    let converged = (grad_sq <= grad_tol_sq) & (step_sq <= step_tol_sq);
    p = select(update.next, p, diverged);
    status = select(select(STATUS_MOVING, STATUS_CONVERGED, converged), STATUS_DIVERGED, diverged);
  }

  if (status != STATUS_MOVING) {
    stop_steps[index] = t;
  }
  store_state(index, state);
  points[index] = vec4f(p, stored_loss(p), f32(status));
}

// The statistics of the particles that one invocation of `reduce_stats` has
// read: counts per status, and the loss range as order_key values.
struct StatsFold {
  counts: vec3u,
  loss_min: u32,
  loss_max: u32,
}

// Adds one particle's point to `fold`, without a branch or an index into
// `counts` that varies by particle: with them the pass took 1.1 times as long
// on SwiftShader.
fn fold_point(point: vec4f, fold: ptr<function, StatsFold>) {
  let status = u32(point.w);
  (*fold).counts += vec3u(vec3u(status) == vec3u(STATUS_MOVING, STATUS_CONVERGED, STATUS_DIVERGED));
  let ranged = (status != STATUS_DIVERGED) & (point.z < MISSING_LOSS);
  let key = order_key(point.z);
  (*fold).loss_min = min((*fold).loss_min, select(0xffffffffu, key, ranged));
  (*fold).loss_max = max((*fold).loss_max, select(0u, key, ranged));
}

var<workgroup> group_counts: array<atomic<u32>, 3>;
var<workgroup> group_loss_min: atomic<u32>;
var<workgroup> group_loss_max: atomic<u32>;

// Status counts and loss range of all particles, read from `points` after
// `step`. Each workgroup folds a contiguous block of particles in registers,
// so a dispatch of a few workgroups covers every particle with one workgroup
// barrier and one atomic operation per statistic and workgroup. On
// SwiftShader, with 1,048,576 particles, the pass took 43 ms when each
// invocation read every n-th particle (n the number of invocations, 16,384),
// 26 ms with blocks and 21 ms with four particles per iteration. A separate
// pass keeps workgroup barriers out of `step`: with the reduction inside,
// `step` ran about 1.5 times slower on SwiftShader.
@compute @workgroup_size(WORKGROUP_SIZE)
fn reduce_stats(@builtin(workgroup_id) group: vec3u,
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

  var fold = StatsFold(vec3u(0u), 0xffffffffu, 0u);
  // The block of this workgroup, a multiple of WORKGROUP_SIZE, in which the
  // invocations read neighbouring particles at each iteration.
  let group_count = groups.x * groups.y;
  let block_size = (params.particle_count + group_count * WORKGROUP_SIZE - 1u) / (group_count * WORKGROUP_SIZE) * WORKGROUP_SIZE;
  let block_start = (group.y * groups.x + group.x) * block_size;
  let block_end = min(block_start + block_size, params.particle_count);
  var index = block_start + local;
  while (index + 3u * WORKGROUP_SIZE < block_end) {
    fold_point(points[index], &fold);
    fold_point(points[index + WORKGROUP_SIZE], &fold);
    fold_point(points[index + 2u * WORKGROUP_SIZE], &fold);
    fold_point(points[index + 3u * WORKGROUP_SIZE], &fold);
    index += 4u * WORKGROUP_SIZE;
  }
  while (index < block_end) {
    fold_point(points[index], &fold);
    index += WORKGROUP_SIZE;
  }
  let counts = fold.counts;
  let loss_min = fold.loss_min;
  let loss_max = fold.loss_max;

  atomicAdd(&group_counts[STATUS_MOVING], counts[STATUS_MOVING]);
  atomicAdd(&group_counts[STATUS_CONVERGED], counts[STATUS_CONVERGED]);
  atomicAdd(&group_counts[STATUS_DIVERGED], counts[STATUS_DIVERGED]);
  atomicMin(&group_loss_min, loss_min);
  atomicMax(&group_loss_max, loss_max);

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
