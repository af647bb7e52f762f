/**
 * Where Karpenter's objects live in a synthesized stack (shared by the KRP rules): a
 * `kubernetes_manifest`'s `manifest`, or the `manifest` value of a `helm_release` of the project's
 * one-object chart (how the workloads stack installs them, src/constructs/karpenter/).
 */
import { parse } from "yaml";
import type { SynthResource } from "../types";
import type { Json } from "../../lib/synthesized";

export const KARPENTER_OBJECT_TYPES = ["helm_release", "kubernetes_manifest"];

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The Karpenter object of `kind` (NodePool, EC2NodeClass) a resource installs, or undefined. */
export function karpenterObject(r: SynthResource, kind: "NodePool" | "EC2NodeClass"): Json | undefined {
  const candidates: unknown[] = [];
  if (r.type === "kubernetes_manifest") candidates.push(r.config.manifest);
  if (r.type === "helm_release" && Array.isArray(r.config.values)) {
    for (const text of r.config.values) {
      if (typeof text !== "string") continue;
      const values: unknown = parse(text);
      if (isObject(values)) candidates.push(values.manifest);
    }
  }
  const group = kind === "NodePool" ? "karpenter.sh/" : "karpenter.k8s.aws/";
  return candidates.find(
    (c): c is Json => isObject(c) && c.kind === kind && typeof c.apiVersion === "string" && c.apiVersion.startsWith(group),
  );
}

/** A nested value: `at(obj, "spec", "limits", "cpu")`. */
export function at(value: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>((v, key) => (isObject(v) ? v[key] : undefined), value);
}
