import { ACCESS_RULES } from "./access";
import { FOUNDATION_RULES } from "./foundation";
import { PLATFORM_RULES } from "./platform";
import type { EnvRule } from "./types";

export type { ConfigIssue, EnvRule } from "./types";

/** Every rule an environment must pass, after its schema. */
export const ENV_RULES: readonly EnvRule[] = [...FOUNDATION_RULES, ...PLATFORM_RULES, ...ACCESS_RULES];
