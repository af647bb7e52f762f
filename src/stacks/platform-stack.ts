import type { Construct } from "constructs";
import type { EnvConfig } from "../config";
import { EnvStack } from "./env-stack";

/**
 * `<env>-platform`: the environment's network, registry, cluster and workers (the blog posts'
 * `env-def`). State in the environment's S3 backend.
 */
export class PlatformStack extends EnvStack {
  constructor(scope: Construct, env: EnvConfig) {
    super(scope, env, "platform");
  }
}
