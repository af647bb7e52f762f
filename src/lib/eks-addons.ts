/**
 * The EKS add-on versions of each Kubernetes version this project deploys: a Kubernetes version
 * change updates every add-on in the same plan, with no AWS lookup at synth or plan time.
 *
 * The table is eks-addons.generated.ts: for each version and add-on, the default version of
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <a>`, refreshed by
 * `npm run catalog:update` (docs/ci.md: a weekly workflow proposes the changes). A version AWS
 * offers is added once every add-on has a default for it. `eks.addonVersions` overrides one add-on
 * for one environment.
 */
import { EKS_ADDON_VERSIONS } from "./eks-addons.generated";
import { SUPPORTED_KUBERNETES_VERSIONS } from "./eks-versions";

export { EKS_ADDON_VERSIONS };

/** The add-ons the platform installs. */
export const EKS_ADDONS = ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "aws-ebs-csi-driver", "metrics-server"] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

/** The add-on versions of a cluster version, with an environment's overrides applied. */
export function eksAddonVersions(
  kubernetesVersion: string,
  overrides: Readonly<Partial<Record<EksAddonName, string | undefined>>> = {},
): Record<EksAddonName, string> {
  const table = EKS_ADDON_VERSIONS[kubernetesVersion];
  if (!table) {
    throw new Error(
      `no EKS add-on versions are listed for Kubernetes ${kubernetesVersion} (supported: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}); npm run catalog:update adds a version once AWS names a default version of every add-on for it`,
    );
  }
  const out = { ...table };
  for (const name of EKS_ADDONS) if (overrides[name]) out[name] = overrides[name]!;
  return out;
}
