// Types for webgpu-env.mjs, which stays plain JavaScript so that it runs
// before anything is built.

export declare const CHROMIUM_LIB_DIR: string;

export declare function findVulkanEnv(): { env: Record<string, string>; description: string };

export declare function findChromium(): string | null;

export declare function chromiumArgs(): string[];

export declare function isNullBackend(info: {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}): boolean;
