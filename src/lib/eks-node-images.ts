/**
 * The AL2023 EKS-optimized AMI release of each Kubernetes version this project deploys: node images
 * change only when this table (or a group's `imageRelease`) changes, in a plan that shows it, and
 * never at launch time behind Terraform's back. No AWS lookup at synth or plan time.
 *
 * A release is written as EKS's managed node group `release_version`, `<kubelet version>-<date>`
 * (e.g. "1.35.4-20260512"); the AMI of self-managed groups is the same build, named
 * `amazon-eks-node-al2023-<arch>-standard-<minor>-v<date>` (its release tag, e.g. "v20260512"),
 * whose image id AWS publishes in every region as a public SSM parameter
 * ({@link al2023ImageParameter}). Both architectures share a release.
 *
 * Refreshed by `npm run images:update` (with AWS credentials: it reads
 * `/aws/service/eks/optimized-ami/<minor>/amazon-linux-2023/x86_64/standard/recommended/release_version`
 * for each version and rewrites this table), then reviewed in the plan as a node rollout. Each new
 * Kubernetes version in `eks-versions.ts` needs a row (a test fails without one). Table of the
 * 2026-05-12 AMI release (github.com/awslabs/amazon-eks-ami/releases).
 */
import { SUPPORTED_KUBERNETES_VERSIONS } from "./eks-versions";

export const EKS_NODE_IMAGE_RELEASES: Readonly<Record<string, string>> = {
  "1.32": "1.32.13-20260512",
  "1.33": "1.33.10-20260512",
  "1.34": "1.34.7-20260512",
  "1.35": "1.35.4-20260512",
};

/** A release as EKS writes it: `<kubelet major.minor.patch>-<YYYYMMDD>`. */
const RELEASE_PATTERN = /^(\d+\.\d+)\.\d+-(\d{8})$/;

/** The node image of one group: the managed node group `release_version` and the AMI's release tag. */
export interface EksNodeImage {
  /** e.g. "1.35.4-20260512" */
  readonly releaseVersion: string;
  /** e.g. "v20260512" */
  readonly amiRelease: string;
}

/** Whether a managed node group's AMI type is Bottlerocket, whose releases this table does not list. */
export function isBottlerocket(amiType: string | undefined): boolean {
  return (amiType ?? "").startsWith("BOTTLEROCKET");
}

/**
 * Why `release` cannot be the image of a group whose nodes run Kubernetes `kubernetesVersion` (on
 * `amiType`, for a managed group), or undefined: the one phrase of this rule, for the environment
 * config and the node group constructs alike.
 */
export function imageReleaseProblem(release: string, kubernetesVersion: string, amiType?: string): string | undefined {
  if (isBottlerocket(amiType))
    return `pins AL2023 images only; a Bottlerocket group runs the newest Bottlerocket release when it is created: remove imageRelease or use an AL2023 amiType`;
  const m = RELEASE_PATTERN.exec(release);
  if (!m) return `must be an AL2023 EKS AMI release like "${EKS_NODE_IMAGE_RELEASES["1.35"]}" (kubelet version, then the release date)`;
  if (m[1] !== kubernetesVersion)
    return `is a release for Kubernetes ${m[1]}, but the group's nodes run ${kubernetesVersion}; use a ${kubernetesVersion}.x release`;
  return undefined;
}

/** The node image of a Kubernetes version: the table's release, or `override` (checked first). */
export function eksNodeImage(kubernetesVersion: string, override?: string): EksNodeImage {
  const releaseVersion = override ?? EKS_NODE_IMAGE_RELEASES[kubernetesVersion];
  if (!releaseVersion) {
    throw new Error(
      `no EKS node image release is listed for Kubernetes ${kubernetesVersion} (supported: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}); add it to EKS_NODE_IMAGE_RELEASES`,
    );
  }
  const problem = imageReleaseProblem(releaseVersion, kubernetesVersion);
  if (problem) throw new Error(`node image release ${JSON.stringify(releaseVersion)} ${problem}`);
  return { releaseVersion, amiRelease: `v${RELEASE_PATTERN.exec(releaseVersion)![2]}` };
}

/**
 * The public SSM parameter holding the image id of one AL2023 EKS AMI release (the same name in
 * every region; EC2 resolves it when a launch template says `resolve:ssm:<name>`).
 */
export function al2023ImageParameter(kubernetesVersion: string, architecture: "x86_64" | "arm64", amiRelease: string): string {
  const name = `amazon-eks-node-al2023-${architecture}-standard-${kubernetesVersion}-${amiRelease}`;
  return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/${architecture}/standard/${name}/image_id`;
}

/** The public SSM parameter of the newest release of a Kubernetes version (what `images:update` reads). */
export function recommendedReleaseParameter(kubernetesVersion: string): string {
  return `/aws/service/eks/optimized-ami/${kubernetesVersion}/amazon-linux-2023/x86_64/standard/recommended/release_version`;
}
