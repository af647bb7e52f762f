/**
 * The EKS add-on versions of each Kubernetes version this project deploys: a Kubernetes version
 * change updates every add-on in the same plan, with no AWS lookup at synth or plan time.
 *
 * Kept current by hand with `eks-versions.ts` (each new Kubernetes version needs a row; a test
 * fails without one): for each version and add-on, take the default of
 * `aws eks describe-addon-versions --kubernetes-version <v> --addon-name <a> --query
 * 'addons[].addonVersions[?compatibilities[?defaultVersion]].addonVersion'`.
 * `eks.addonVersions` overrides one add-on for one environment. The add-ons released for every
 * Kubernetes version (vpc-cni, Pod Identity agent, EBS CSI, metrics-server) carry one version seen
 * compatible with all of 1.32-1.35; kube-proxy and CoreDNS follow the Kubernetes minor. Table of
 * 2026-12, from the EKS user guide's add-on pages and the EKS Blueprints' version maps.
 */
import { SUPPORTED_KUBERNETES_VERSIONS } from "./eks-versions";

/** The add-ons the platform installs. */
export const EKS_ADDONS = ["vpc-cni", "kube-proxy", "coredns", "eks-pod-identity-agent", "aws-ebs-csi-driver", "metrics-server"] as const;
export type EksAddonName = (typeof EKS_ADDONS)[number];

export const EKS_ADDON_VERSIONS: Readonly<Record<string, Readonly<Record<EksAddonName, string>>>> = {
  "1.32": {
    "vpc-cni": "v1.21.1-eksbuild.3",
    "kube-proxy": "v1.32.9-eksbuild.2",
    coredns: "v1.11.4-eksbuild.24",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.2",
    "aws-ebs-csi-driver": "v1.56.0-eksbuild.1",
    "metrics-server": "v0.8.1-eksbuild.4",
  },
  "1.33": {
    "vpc-cni": "v1.21.1-eksbuild.3",
    "kube-proxy": "v1.33.5-eksbuild.2",
    coredns: "v1.12.4-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.2",
    "aws-ebs-csi-driver": "v1.56.0-eksbuild.1",
    "metrics-server": "v0.8.1-eksbuild.4",
  },
  "1.34": {
    "vpc-cni": "v1.21.1-eksbuild.3",
    "kube-proxy": "v1.34.1-eksbuild.2",
    coredns: "v1.12.4-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.2",
    "aws-ebs-csi-driver": "v1.56.0-eksbuild.1",
    "metrics-server": "v0.8.1-eksbuild.4",
  },
  "1.35": {
    "vpc-cni": "v1.21.1-eksbuild.3",
    "kube-proxy": "v1.35.0-eksbuild.2",
    coredns: "v1.13.2-eksbuild.1",
    "eks-pod-identity-agent": "v1.3.10-eksbuild.2",
    "aws-ebs-csi-driver": "v1.56.0-eksbuild.1",
    "metrics-server": "v0.8.1-eksbuild.4",
  },
};

/** The add-on versions of a cluster version, with an environment's overrides applied. */
export function eksAddonVersions(
  kubernetesVersion: string,
  overrides: Readonly<Partial<Record<EksAddonName, string | undefined>>> = {},
): Record<EksAddonName, string> {
  const table = EKS_ADDON_VERSIONS[kubernetesVersion];
  if (!table) {
    throw new Error(
      `no EKS add-on versions are listed for Kubernetes ${kubernetesVersion} (supported: ${SUPPORTED_KUBERNETES_VERSIONS.join(", ")}); add them to EKS_ADDON_VERSIONS`,
    );
  }
  const out = { ...table };
  for (const name of EKS_ADDONS) if (overrides[name]) out[name] = overrides[name]!;
  return out;
}
