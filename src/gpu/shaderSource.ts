/**
 * WGSL sources of shaders/*.wgsl. The browser build registers them through
 * Vite's ?raw imports, Node reads the files; src/gpu itself stays free of both.
 */

export type ShaderName = 'descent' | 'basins' | 'sample' | 'subnormals';

let loadShader: ((name: ShaderName) => string) | undefined;

/** Sets where shader sources come from; called once at start-up. */
export function setShaderLoader(loader: (name: ShaderName) => string): void {
  loadShader = loader;
}

export function shaderSource(name: ShaderName): string {
  if (!loadShader) {
    throw new Error(`no shader loader registered when loading ${name}.wgsl; call setShaderLoader at start-up`);
  }
  return loadShader(name);
}
