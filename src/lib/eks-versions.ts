/**
 * The Kubernetes versions this project deploys, with their EKS support windows. Maintained by hand:
 * refresh it from https://docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html each
 * quarter (an `aws eks describe-cluster-versions` call lists the live state).
 *
 * Versions whose extended support has ended are not listed: EKS would upgrade them on its own.
 */
interface EksVersionSupport {
  /** Last day of standard support (ISO date). */
  readonly standardSupportEnds: string;
  /** Last day of extended (paid) support. */
  readonly extendedSupportEnds: string;
}

const EKS_VERSIONS: Readonly<Record<string, EksVersionSupport>> = {
  "1.32": { standardSupportEnds: "2026-03-23", extendedSupportEnds: "2027-03-23" },
  "1.33": { standardSupportEnds: "2026-07-29", extendedSupportEnds: "2027-07-29" },
  "1.34": { standardSupportEnds: "2026-12-02", extendedSupportEnds: "2027-12-02" },
  "1.35": { standardSupportEnds: "2027-03-27", extendedSupportEnds: "2028-03-27" },
};

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
