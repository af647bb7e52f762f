/**
 * The Kubernetes versions this project deploys and the rules on their EKS support windows. The
 * versions and their dates are in eks-versions.generated.ts, refreshed by `npm run catalog:update`
 * from `aws eks describe-cluster-versions` (docs/ci.md: a weekly workflow proposes the changes).
 *
 * Versions whose extended support has ended are not listed: EKS would upgrade them on its own.
 */
import { EKS_VERSIONS } from "./eks-versions.generated";

/** The version new environments get: the newest one in standard support. */
export const DEFAULT_KUBERNETES_VERSION = "1.35";

export const SUPPORTED_KUBERNETES_VERSIONS = Object.keys(EKS_VERSIONS);

/**
 * Why a Kubernetes version cannot be deployed, or undefined: the one phrase of this rule, used by
 * the environment config, the `Eks` construct and the policy pack alike.
 */
export function kubernetesVersionProblem(version: string): string | undefined {
  return SUPPORTED_KUBERNETES_VERSIONS.includes(version)
    ? undefined
    : `is not a supported EKS version; use one of ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}`;
}

/** How long before the end of standard support synth starts warning. */
export const SUPPORT_WARNING_DAYS = 120;

/**
 * "Today" for the support windows: `EKS_TODAY` (an ISO date, for tests and reproducible runs), else
 * the machine's date in UTC.
 */
export function supportToday(env: NodeJS.ProcessEnv = process.env): string {
  const given = env.EKS_TODAY;
  if (given !== undefined) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(given) || Number.isNaN(Date.parse(given)))
      throw new Error(`EKS_TODAY must be a date like 2026-12-06 (got ${JSON.stringify(given)})`);
    return given;
  }
  return new Date().toISOString().slice(0, 10);
}

/** The next minor version after `version` in the table, if any. */
function nextVersion(version: string): string | undefined {
  const sorted = [...SUPPORTED_KUBERNETES_VERSIONS].sort((a, b) => Number(a.split(".")[1]) - Number(b.split(".")[1]));
  return sorted[sorted.indexOf(version) + 1];
}

const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/** What the support window of `version` means for a cluster on `supportType`, on `today`. */
export function supportWindow(
  version: string,
  supportType: "STANDARD" | "EXTENDED",
  today: string,
): { readonly error?: string; readonly warning?: string } {
  const support = EKS_VERSIONS[version];
  if (!support) return {};
  const next = nextVersion(version);
  const upgrade = next ? `upgrade to ${next} (npm run upgrade)` : "upgrade to the next version once this project supports it";
  if (today > support.extendedSupportEnds) {
    return {
      error: `reached the end of extended support on ${support.extendedSupportEnds}; EKS upgrades such clusters itself: ${upgrade}`,
    };
  }
  if (today > support.standardSupportEnds) {
    if (supportType !== "EXTENDED")
      return {
        error: `left standard support on ${support.standardSupportEnds}; ${upgrade}, or set eks.supportType "EXTENDED" to stay on it until ${support.extendedSupportEnds} (extended support costs extra per cluster hour)`,
      };
    return {
      warning: `is in extended support (paid per cluster hour) until ${support.extendedSupportEnds}; ${upgrade}`,
    };
  }
  const left = daysBetween(today, support.standardSupportEnds);
  if (left <= SUPPORT_WARNING_DAYS) {
    return {
      warning: `leaves standard support on ${support.standardSupportEnds} (in ${left} days); ${upgrade}${supportType === "EXTENDED" ? "" : ', or set eks.supportType "EXTENDED" (extended support costs extra per cluster hour)'}`,
    };
  }
  return {};
}
