/**
 * The viridis colour map as a 256-texel texture, for colouring the surface by
 * normalised loss. Anchors: matplotlib's viridis at nine equally spaced
 * positions (matplotlib, BSD-style licence; colour values only).
 */
import { DataTexture, LinearFilter, RGBAFormat, SRGBColorSpace, ClampToEdgeWrapping } from 'three/webgpu';

/** Viridis at nine equally spaced positions, from 0 to 1, as sRGB hex. */
export const VIRIDIS_ANCHORS = ['#440154', '#472c7a', '#3b518b', '#2c718e', '#21908d', '#27ad81', '#5cc863', '#aadc32', '#fde725'];

function parseHex(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

/** Colour of normalised value t ∈ [0, 1] as 8-bit sRGB, by linear interpolation between anchors. */
export function viridis(t: number): [number, number, number] {
  const clamped = Math.min(Math.max(t, 0), 1) * (VIRIDIS_ANCHORS.length - 1);
  const k = Math.min(Math.floor(clamped), VIRIDIS_ANCHORS.length - 2);
  const f = clamped - k;
  const a = parseHex(VIRIDIS_ANCHORS[k]);
  const b = parseHex(VIRIDIS_ANCHORS[k + 1]);
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f)) as [number, number, number];
}

export function createViridisTexture(): DataTexture {
  const size = 256;
  const data = new Uint8Array(size * 4);
  for (let i = 0; i < size; i++) {
    const [r, g, b] = viridis(i / (size - 1));
    data.set([r, g, b, 255], 4 * i);
  }
  const texture = new DataTexture(data, size, 1, RGBAFormat);
  texture.colorSpace = SRGBColorSpace;
  texture.magFilter = LinearFilter;
  texture.minFilter = LinearFilter;
  texture.wrapS = ClampToEdgeWrapping;
  texture.wrapT = ClampToEdgeWrapping;
  texture.needsUpdate = true;
  return texture;
}
