/** Registers the WGSL files with src/gpu through Vite's ?raw imports (browser build). */
import basins from '../../shaders/basins.wgsl?raw';
import descent from '../../shaders/descent.wgsl?raw';
import sample from '../../shaders/sample.wgsl?raw';
import subnormals from '../../shaders/subnormals.wgsl?raw';
import { setShaderLoader, type ShaderName } from '../gpu/shaderSource.ts';

const SOURCES: Record<ShaderName, string> = { descent, basins, sample, subnormals };

export function registerBrowserShaders(): void {
  setShaderLoader((name) => SOURCES[name]);
}
