/**
 * Registers the WGSL files with src/gpu by reading shaders/ from disk (Node).
 * DOWNHILL_SHADER_DIR names another folder to read them from, for trying a
 * changed kernel (and for the test that checks verify catches a faulty one).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { setShaderLoader, type ShaderName } from '../gpu/shaderSource.ts';

const override = process.env.DOWNHILL_SHADER_DIR;
const SHADER_FOLDER = override ? pathToFileURL(`${override.replace(/\/+$/, '')}/`) : new URL('../../shaders/', import.meta.url);

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
