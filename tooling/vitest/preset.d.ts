import type { ViteUserConfig } from "vitest/config";
export declare function mufflerProject(name: string, overrides?: { testTimeout?: number }): ViteUserConfig;
