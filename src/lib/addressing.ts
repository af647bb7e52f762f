/**
 * How construct ids become Terraform addresses: the two conventions constructs opt into, read by
 * `ReadableStack` when it names their resources. A leaf module, so constructs follow the
 * conventions without depending on the stack that applies them.
 */
import { TerraformStack, type TerraformResource } from "cdktf";
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

/**
 * A value (a CIDR, a security group id, a policy name) as a construct id part: `10.99.0.0/24` ->
 * `10_99_0_0_24`. Ids keyed by what an entry is, not by where it sits in a list, so removing one
 * entry never renames (and so replaces) the others.
 */
export function idOf(value: string): string {
  return value.replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "");
}

/**
 * The Terraform name of a resource from its construct ids below the stack (transparent scopes and
 * a last id "Resource" left out): joined with "_", other characters than letters, digits, "_" and
 * "-" made "_". `ReadableStack` names every resource so; the environment config derives the
 * addresses of its opt-outs with it.
 */
export function terraformName(ids: readonly string[]): string {
  return ids.join("_").replace(/[^A-Za-z0-9_-]/g, "_");
}

/** The construct id of the ECR repository of an image: `team/web` -> `team_web`. */
export function ecrRepositoryId(image: string): string {
  return image.replace(/[^A-Za-z0-9-]/g, "_");
}

/** The construct id of an application table: `product-group` -> `product_group`. */
export function tableId(name: string): string {
  return name.replace(/-/g, "_");
}

const MOVED = new WeakMap<TerraformStack, { from: string; to: string }[]>();

/**
 * Keeps the state of a resource whose id suffix changed from `oldSuffix` to `newSuffix`: a `moved`
 * block from its former address, so Terraform renames it in the state instead of replacing it.
 * Written as the stack's own `moved` list, not with cdktf's `moveFromId`, which makes every synth of
 * the stack run `terraform version` (a check for Terraform >= 1.5; the project requires 1.10).
 */
export function movedFromSuffix(resource: TerraformResource, oldSuffix: string, newSuffix: string): void {
  const id = resource.friendlyUniqueId;
  if (!id.endsWith(newSuffix)) throw new Error(`${resource.node.path}: its address ${id} does not end with ${newSuffix}`);
  const type = resource.terraformResourceType;
  const stack = TerraformStack.of(resource);
  const moved = MOVED.get(stack) ?? [];
  MOVED.set(stack, moved);
  moved.push({ from: `${type}.${id.slice(0, id.length - newSuffix.length)}${oldSuffix}`, to: `${type}.${id}` });
  stack.addOverride("moved", [...moved]);
}
