/**
 * How construct ids become Terraform addresses: the two conventions constructs opt into, read by
 * `ReadableStack` when it names their resources. A leaf module, so constructs follow the
 * conventions without depending on the stack that applies them.
 */
import type { IConstruct } from "constructs";

/** The construct id of a construct's primary resource: left out of Terraform names (AWS CDK's convention). */
export const PRIMARY_RESOURCE_ID = "Resource";

const TRANSPARENT = Symbol.for("cdktf-eks.transparent-scope");

/**
 * Marks a construct whose id should not appear in the Terraform names of what it contains (a
 * composition like EnvDef, whose children already have unique, meaningful ids).
 */
export function transparentScope(construct: IConstruct): void {
  (construct as unknown as Record<symbol, boolean>)[TRANSPARENT] = true;
}

/** Whether {@link transparentScope} marked this construct. */
export function isTransparentScope(construct: IConstruct): boolean {
  return (construct as unknown as Record<symbol, boolean>)[TRANSPARENT] === true;
}
