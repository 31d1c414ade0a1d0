/** Registers the WGSL files with src/gpu by reading shaders/ from disk (Node). */
import { readFileSync } from 'node:fs';
import { setShaderLoader, type ShaderName } from '../gpu/shaderSource.ts';

const SHADER_FOLDER = new URL('../../shaders/', import.meta.url);

export function registerNodeShaders(): void {
  const cache = new Map<ShaderName, string>();
  setShaderLoader((name) => {
    let code = cache.get(name);
    if (code === undefined) {
      code = readFileSync(new URL(`${name}.wgsl`, SHADER_FOLDER), 'utf8');
      cache.set(name, code);
    }
    return code;
  });
}
