// The arithmetic of the descent update and nothing else: the practical
// throughput limit that the benchmark compares the product's pipeline with.
//
// The surface module from compileFormula is concatenated in front, as for
// shaders/descent.wgsl, so both kernels evaluate the same gradient. Each
// invocation keeps one particle in registers for all the updates of a dispatch
// and touches global memory once to load and once to store. There is no
// learning-rate schedule, noise, weight decay, status test, trail, history or
// statistic. The update is the one of optimizer_step in shaders/descent.wgsl,
// operation for operation, so its results match the product's bit for bit
// while a particle keeps moving.

override WORKGROUP_SIZE: u32 = 64u;
// 0 for plain gradient descent, 5 for Adam: the codes of OPTIMIZER_CODES in src/gpu/layout.ts.
override OPTIMIZER: u32 = 0u;

const OPTIMIZER_ADAM: u32 = 5u;

struct MinimalParams {
  // Number of particles; invocations at or past it do nothing.
  particle_count: u32,
  // Updates per dispatch.
  step_count: u32,
  // Learning rate η.
  lr: f32,
  // ε of Adam.
  eps: f32,
  // Adam: β₁, β₂ and 1 − β₁, 1 − β₂.
  beta1: f32,
  beta2: f32,
  one_minus_beta1: f32,
  one_minus_beta2: f32,
  // Adam: the bias corrections 1 − β₁ᵗ and 1 − β₂ᵗ before the first update of this dispatch.
  corrections: vec2f,
}

@group(0) @binding(0) var<uniform> params: MinimalParams;
// Per particle: x, y.
@group(0) @binding(1) var<storage, read_write> positions: array<vec2f>;
// Per particle, Adam only: first moment m (xy) and second moment v (zw).
@group(0) @binding(2) var<storage, read_write> moments: array<vec4f>;

// One Adam update of position p and moments (m, v) in `moment`; `corrections`
// holds 1 − β₁ᵗ and 1 − β₂ᵗ of the update before.
fn adam_update(p: ptr<function, vec2f>, moment: ptr<function, vec4f>, corrections: ptr<function, vec2f>) {
  let g = surface_gradient(*p);
  let m = params.beta1 * (*moment).xy + params.one_minus_beta1 * g;
  let v = params.beta2 * (*moment).zw + params.one_minus_beta2 * g * g;
  *corrections = vec2f(params.beta1, params.beta2) * *corrections + vec2f(params.one_minus_beta1, params.one_minus_beta2);
  let m_hat = m / (*corrections).x;
  let v_hat = v / (*corrections).y;
  *moment = vec4f(m, v);
  *p = *p + (-params.lr) * m_hat / (sqrt(v_hat) + params.eps);
}

fn descent_update(p: vec2f) -> vec2f {
  return p + (-params.lr) * surface_gradient(p);
}

// Plain descent does four updates per iteration of its loop, as the product's
// `step_lean` does, because SwiftShader pays for an iteration about as much as
// for an update that cheap: unrolled, it ran about twice as fast. Adam's loop
// ran as fast or slower unrolled, so it does one update per iteration.
@compute @workgroup_size(WORKGROUP_SIZE)
fn step(@builtin(workgroup_id) group: vec3u,
        @builtin(num_workgroups) groups: vec3u,
        @builtin(local_invocation_index) local: u32) {
  let index = (group.y * groups.x + group.x) * WORKGROUP_SIZE + local;
  if (index >= params.particle_count) {
    return;
  }

  var p = positions[index];
  if (OPTIMIZER == OPTIMIZER_ADAM) {
    var moment = moments[index];
    var corrections = params.corrections;
    for (var k = 0u; k < params.step_count; k++) {
      adam_update(&p, &moment, &corrections);
    }
    moments[index] = moment;
  } else {
    let fours = params.step_count / 4u * 4u;
    var k = 0u;
    for (; k < fours; k += 4u) {
      p = descent_update(descent_update(descent_update(descent_update(p))));
    }
    for (; k < params.step_count; k++) {
      p = descent_update(p);
    }
  }
  positions[index] = p;
}
