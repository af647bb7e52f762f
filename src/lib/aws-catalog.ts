/**
 * Questions about AWS's regions, zones, partitions and instance types, answered from the generated
 * catalog (no AWS call at synth or plan time). Refresh it with `npm run catalog:update`.
 */
import { INSTANCE_FAMILIES, REGIONS } from "./aws-catalog.generated";
import { closest, didYouMean } from "./suggest";

export { INSTANCE_FAMILIES, REGIONS };

/** The partition of a known region: `aws`, `aws-cn`, `aws-us-gov`. */
export function partitionOf(region: string): string | undefined {
  return REGIONS[region]?.partition;
}

/** Why a region cannot be used, or undefined. */
export function regionProblem(region: string): string | undefined {
  if (REGIONS[region]) return undefined;
  const all = Object.keys(REGIONS);
  const prefix = region.toLowerCase().split("-")[0];
  const near = all.filter((r) => r.startsWith(`${prefix}-`));
  const list = near.length > 0 ? `${prefix}- regions: ${near.join(", ")}` : `regions: ${all.join(", ")}`;
  return `is not an AWS region${didYouMean(region, all)}; ${list}`;
}

/** The zone names of a known region: `eu-west-1a`, ... */
export function zonesOf(region: string): string[] {
  return (REGIONS[region]?.zones ?? []).map((letter) => `${region}${letter}`);
}

/** The AMI architectures an instance type runs, or undefined when the type is unknown. */
export function architecturesOf(type: string): readonly string[] | undefined {
  const [family, size] = splitType(type);
  const f = INSTANCE_FAMILIES[family];
  return f && f.sizes.includes(size) ? f.architectures : undefined;
}

/** Why an instance type is unknown (with the nearest known type), or undefined. */
export function instanceTypeProblem(type: string): string | undefined {
  if (!/^[a-z0-9-]+\.[a-z0-9-]+$/.test(type)) return 'must be an EC2 instance type like "m5.large" (family.size)';
  const [family, size] = splitType(type);
  const f = INSTANCE_FAMILIES[family];
  if (f && f.sizes.includes(size)) return undefined;
  if (f) {
    const hint = closest(size, f.sizes);
    return `is not an EC2 instance type: ${family} comes in ${f.sizes.join(", ")}${hint ? ` (did you mean "${family}.${hint}"?)` : ""}`;
  }
  const near = closest(family, Object.keys(INSTANCE_FAMILIES));
  const suggestion =
    near && INSTANCE_FAMILIES[near].sizes.includes(size)
      ? ` (did you mean "${near}.${size}"?)`
      : near
        ? ` (did you mean the ${near} family?)`
        : "";
  return `is not an EC2 instance type: no family "${family}"${suggestion}; run npm run catalog:update if it is new`;
}

function splitType(type: string): [string, string] {
  const dot = type.indexOf(".");
  return dot < 0 ? [type, ""] : [type.slice(0, dot), type.slice(dot + 1)];
}

/** The instance categories of the catalog's families: the letters before the generation (`m` of m7i, `inf` of inf2). */
export function instanceCategories(): string[] {
  return [...new Set(Object.keys(INSTANCE_FAMILIES).map((family) => /^[a-z]+/.exec(family)![0]))].sort();
}

/** Why an instance category (Karpenter's `karpenter.k8s.aws/instance-category`) is unknown, or undefined. */
export function instanceCategoryProblem(category: string): string | undefined {
  const all = instanceCategories();
  if (all.includes(category)) return undefined;
  return `is not an EC2 instance category${didYouMean(category, all)}; categories: ${all.join(", ")}`;
}
