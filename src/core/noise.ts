/**
 * Gaussian gradient noise from a counter-based generator: the bits for
 * (seed, particle, update, draw) come from an integer hash, identical in
 * TypeScript and WGSL (shaders/descent.wgsl), so noisy runs can be verified
 * particle by particle like clean ones.
 *
 * The hash is the "lowbias32" 32-bit mixer from Chris Wellons' article
 * "Prospecting for Hash Functions" (2018), applied once per key word. Gaussians come from Marsaglia's polar
 * method, which needs log and sqrt but no sine or cosine.
 */

/** Mixes an unsigned 32-bit integer with one round of lowbias32. */
export function lowbias32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** Random bits for one draw of one particle at one update. */
export function noiseBits(seed: number, particle: number, step: number, draw: number): number {
  let h = lowbias32((seed ^ 0x9e3779b9) >>> 0);
  h = lowbias32((h ^ particle) >>> 0);
  h = lowbias32((h ^ step) >>> 0);
  return lowbias32((h ^ draw) >>> 0);
}

/** Maps the top 24 bits to a uniform float32 in [−1, 1), exactly. */
export function uniformSigned(bits: number): number {
  return Math.fround((bits >>> 8) * 2 ** -23) - 1;
}

/** Polar-method attempts before giving up with (0, 0); the chance to need more than 16 is 0.2146¹⁶ ≈ 2e-11. */
export const MAX_NOISE_ATTEMPTS = 16;

/**
 * Writes two independent standard normal samples for (seed, particle, step)
 * into out[0] and out[1], with the float32 arithmetic of the WGSL when
 * `round` is Math.fround.
 */
export function gaussianPair(seed: number, particle: number, step: number, round: (value: number) => number, out: Float64Array): void {
  for (let attempt = 0; attempt < MAX_NOISE_ATTEMPTS; attempt++) {
    const u = uniformSigned(noiseBits(seed, particle, step, 2 * attempt));
    const v = uniformSigned(noiseBits(seed, particle, step, 2 * attempt + 1));
    const s = round(round(u * u) + round(v * v));
    if (s > 0 && s < 1) {
      const factor = round(Math.sqrt(round(round(-2 * round(Math.log(s))) / s)));
      out[0] = round(u * factor);
      out[1] = round(v * factor);
      return;
    }
  }
  out[0] = 0;
  out[1] = 0;
}
