/**
 * The Kubernetes APIs a version removes, and the objects of a synthesized workloads stack that use
 * one. From the Kubernetes deprecated API migration guide
 * (https://kubernetes.io/docs/reference/using-api/deprecation-guide/): each served API version of a
 * kind, with the minor that stopped serving it. Refresh it with each Kubernetes version added to
 * `src/lib/eks-versions.ts`.
 */
import type { TerraformJson } from "../../src/lib/synthesized";

/** An API version of a kind, and the Kubernetes minor that removed it. */
export interface ApiRemoval {
  readonly apiVersion: string;
  readonly kind: string;
  readonly removedIn: string;
  /** What to use instead. */
  readonly use: string;
}

const removed = (removedIn: string, apiVersion: string, kinds: readonly string[], use: string): ApiRemoval[] =>
  kinds.map((kind) => ({ apiVersion, kind, removedIn, use }));

export const API_REMOVALS: readonly ApiRemoval[] = [
  ...removed("1.22", "extensions/v1beta1", ["Ingress"], "networking.k8s.io/v1"),
  ...removed("1.22", "networking.k8s.io/v1beta1", ["Ingress", "IngressClass"], "networking.k8s.io/v1"),
  ...removed(
    "1.22",
    "admissionregistration.k8s.io/v1beta1",
    ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"],
    "admissionregistration.k8s.io/v1",
  ),
  ...removed("1.22", "apiextensions.k8s.io/v1beta1", ["CustomResourceDefinition"], "apiextensions.k8s.io/v1"),
  ...removed("1.22", "apiregistration.k8s.io/v1beta1", ["APIService"], "apiregistration.k8s.io/v1"),
  ...removed("1.22", "certificates.k8s.io/v1beta1", ["CertificateSigningRequest"], "certificates.k8s.io/v1"),
  ...removed("1.22", "coordination.k8s.io/v1beta1", ["Lease"], "coordination.k8s.io/v1"),
  ...removed(
    "1.22",
    "rbac.authorization.k8s.io/v1beta1",
    ["ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding"],
    "rbac.authorization.k8s.io/v1",
  ),
  ...removed("1.22", "scheduling.k8s.io/v1beta1", ["PriorityClass"], "scheduling.k8s.io/v1"),
  ...removed("1.22", "storage.k8s.io/v1beta1", ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"], "storage.k8s.io/v1"),
  ...removed("1.25", "batch/v1beta1", ["CronJob"], "batch/v1"),
  ...removed("1.25", "discovery.k8s.io/v1beta1", ["EndpointSlice"], "discovery.k8s.io/v1"),
  ...removed("1.25", "events.k8s.io/v1beta1", ["Event"], "events.k8s.io/v1"),
  ...removed("1.25", "autoscaling/v2beta1", ["HorizontalPodAutoscaler"], "autoscaling/v2"),
  ...removed("1.25", "policy/v1beta1", ["PodDisruptionBudget"], "policy/v1"),
  ...removed("1.25", "policy/v1beta1", ["PodSecurityPolicy"], "Pod Security Admission"),
  ...removed("1.25", "node.k8s.io/v1beta1", ["RuntimeClass"], "node.k8s.io/v1"),
  ...removed("1.26", "autoscaling/v2beta2", ["HorizontalPodAutoscaler"], "autoscaling/v2"),
  ...removed(
    "1.26",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    ["FlowSchema", "PriorityLevelConfiguration"],
    "flowcontrol.apiserver.k8s.io/v1",
  ),
  ...removed("1.27", "storage.k8s.io/v1beta1", ["CSIStorageCapacity"], "storage.k8s.io/v1"),
  ...removed(
    "1.29",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    ["FlowSchema", "PriorityLevelConfiguration"],
    "flowcontrol.apiserver.k8s.io/v1",
  ),
  ...removed(
    "1.32",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    ["FlowSchema", "PriorityLevelConfiguration"],
    "flowcontrol.apiserver.k8s.io/v1",
  ),
];

/**
 * The API version of each typed resource of the Kubernetes provider the stacks use (the provider's
 * `_v1` resources are pinned to one API version). A type missing here is reported, never guessed.
 */
const TYPED_RESOURCES: Readonly<Record<string, { apiVersion: string; kind: string }>> = {
  kubernetes_config_map_v1: { apiVersion: "v1", kind: "ConfigMap" },
  kubernetes_deployment_v1: { apiVersion: "apps/v1", kind: "Deployment" },
  kubernetes_ingress_class_v1: { apiVersion: "networking.k8s.io/v1", kind: "IngressClass" },
  kubernetes_ingress_v1: { apiVersion: "networking.k8s.io/v1", kind: "Ingress" },
  kubernetes_namespace_v1: { apiVersion: "v1", kind: "Namespace" },
  kubernetes_pod_disruption_budget_v1: { apiVersion: "policy/v1", kind: "PodDisruptionBudget" },
  kubernetes_service_account_v1: { apiVersion: "v1", kind: "ServiceAccount" },
  kubernetes_service_v1: { apiVersion: "v1", kind: "Service" },
  kubernetes_storage_class_v1: { apiVersion: "storage.k8s.io/v1", kind: "StorageClass" },
};

/** One object of a stack: its Terraform address, API version and kind. */
export interface StackObject {
  readonly address: string;
  readonly apiVersion: string;
  readonly kind: string;
}

/**
 * The Kubernetes objects a synthesized stack defines itself (`kubernetes_manifest` and the
 * provider's typed resources), and the `kubernetes_*` resources whose API version is not known.
 * Helm releases are not walked: their charts' ranges are checked instead.
 */
export function stackObjects(stackJson: TerraformJson): { objects: StackObject[]; unknown: string[] } {
  const objects: StackObject[] = [];
  const unknown: string[] = [];
  for (const [type, byName] of Object.entries(stackJson.resource ?? {})) {
    if (!type.startsWith("kubernetes_")) continue;
    for (const [name, body] of Object.entries(byName)) {
      const address = `${type}.${name}`;
      const manifest = body.manifest as { apiVersion?: unknown; kind?: unknown } | undefined;
      const typed = TYPED_RESOURCES[type];
      if (type === "kubernetes_manifest" && typeof manifest?.apiVersion === "string" && typeof manifest.kind === "string")
        objects.push({ address, apiVersion: manifest.apiVersion, kind: manifest.kind });
      else if (typed) objects.push({ address, ...typed });
      else unknown.push(address);
    }
  }
  return { objects, unknown };
}

const minor = (version: string) => Number(version.split(".")[1]);

/** The objects that use an API the Kubernetes minor `target` no longer serves, with the removal. */
export function removedApisUsed(objects: readonly StackObject[], target: string): { object: StackObject; removal: ApiRemoval }[] {
  return objects.flatMap((object) => {
    const removal = API_REMOVALS.find(
      (r) => r.apiVersion === object.apiVersion && r.kind === object.kind && minor(r.removedIn) <= minor(target),
    );
    return removal ? [{ object, removal }] : [];
  });
}
