import { Release } from "@cdktf/provider-helm/lib/release";
import { AssetType, TerraformAsset, type ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { stringify } from "yaml";
import type { PinnedChart } from "../lib/helm-charts";
import { manifestChartDir } from "./karpenter/manifest-chart";
import type { KubernetesObject } from "./karpenter/node-pool";

/** A chart of a Helm repository, pinned to one version (src/lib/helm-charts.ts). */
export type RepositoryChart = Pick<PinnedChart, "repository" | "chart" | "version">;

/** A chart folder of the project's, shipped with the stack as an asset (no network at synth or apply). */
export interface LocalChart {
  readonly dir: string;
}

/** The service account block of a chart's values: the chart creates it, annotated with its IRSA role. */
export interface ServiceAccountValues {
  readonly create: true;
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/** A toleration of the add-on's pods, as Kubernetes writes it. */
export interface Toleration {
  readonly key: string;
  readonly operator: "Equal" | "Exists";
  /** @default none (with "Exists") */
  readonly value?: string;
  /** @default every effect */
  readonly effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/**
 * Where the add-on's pods run: wherever the scheduler puts them; on Fargate (its Fargate profile
 * selects them, so the values say nothing); or on one managed node group (a node selector on the
 * group's label, and the tolerations of its taints).
 */
export type HelmAddonPlacement =
  "anywhere" | "fargate" | { readonly nodeGroup: string; /** @default [] */ readonly tolerations?: readonly Toleration[] };

/** A Kubernetes object the add-on installs once it runs (an instance of its CRDs). */
export interface HelmAddonManifest {
  /** Construct id of its release (its Terraform name: `<add-on id>_<id>`). */
  readonly id: string;
  /** Its release name. */
  readonly name: string;
  readonly object: KubernetesObject;
}

/** What {@link HelmAddon} installs: one add-on's descriptor. */
export interface HelmAddonSpec {
  /** The controller's release name. */
  readonly name: string;
  readonly chart: RepositoryChart;
  /** Its service account; every release of the add-on is installed in its namespace. */
  readonly serviceAccount: { readonly namespace: string; readonly name: string };
  /** The IRSA role annotated on the service account. */
  readonly roleArn: string;
  /** Also annotate the service account to use the regional STS endpoint. @default false */
  readonly stsRegionalEndpoints?: boolean;
  /** The chart's values, given the service account block to put where the chart reads it. */
  readonly values: (serviceAccount: ServiceAccountValues) => Record<string, unknown>;
  /** Where its pods run. @default "anywhere" */
  readonly runsOn?: HelmAddonPlacement;
  /**
   * Its CRDs' own release, installed before the controller, whose release then skips the chart's
   * crds/ (Helm installs those once and never upgrades them; a chart's templates it does).
   * `takeOwnership` adopts CRDs an earlier install of the controller's chart left.
   * @default none: the controller's chart installs its crds/
   */
  readonly crds?: {
    readonly name: string;
    readonly chart: RepositoryChart | LocalChart;
    /** @default false */ readonly takeOwnership?: boolean;
  };
  /**
   * Objects installed after the controller, in this order, each a release of the project's
   * one-object chart ({@link manifestChartDir}) waiting for the CRDs, the controller and the
   * objects before it. @default []
   */
  readonly manifests?: readonly HelmAddonManifest[];
  /** What its first release waits for (controllers with webhooks). @default nothing */
  readonly dependsOn?: ITerraformDependable[];
}

/** Every release waits until what it installed is ready, for up to 10 minutes. */
const READY = { wait: true, timeout: 600 } as const;

/**
 * One add-on installed with Helm from its {@link HelmAddonSpec}: the CRD release if any, the
 * controller's release (pinned chart, its IRSA service account, where it runs) and the releases of
 * its objects, in that order, all in its service account's namespace. Releases are named
 * `<id>_crd_release`, `<id>_release` and `<id>_<manifest id>`; a local chart's asset
 * `<id>_crd_chart` or `<id>_object_chart`. The add-ons extend it with their own descriptor.
 */
export class HelmAddon extends Construct {
  readonly crdRelease?: Release;
  readonly release: Release;
  /** The releases of `manifests`, in their order. */
  readonly manifestReleases: readonly Release[];

  constructor(scope: Construct, id: string, spec: HelmAddonSpec) {
    super(scope, id);
    const namespace = spec.serviceAccount.namespace;
    if (spec.crds) {
      this.crdRelease = new Release(this, "crd_release", {
        name: spec.crds.name,
        namespace,
        ...this.chartOf("crd_chart", spec.crds.chart),
        takeOwnership: spec.crds.takeOwnership,
        ...READY,
        dependsOn: spec.dependsOn,
      });
    }
    const serviceAccount: ServiceAccountValues = {
      create: true,
      name: spec.serviceAccount.name,
      annotations: {
        "eks.amazonaws.com/role-arn": spec.roleArn,
        ...(spec.stsRegionalEndpoints ? { "eks.amazonaws.com/sts-regional-endpoints": "true" } : {}),
      },
    };
    this.release = new Release(this, "release", {
      name: spec.name,
      namespace,
      ...this.chartOf("chart", spec.chart),
      skipCrds: this.crdRelease ? true : undefined,
      values: [stringify({ ...spec.values(serviceAccount), ...placementValues(spec.runsOn ?? "anywhere") })],
      ...READY,
      dependsOn: this.crdRelease ? [this.crdRelease, ...(spec.dependsOn ?? [])] : spec.dependsOn,
    });
    const installed: Release[] = [];
    if (spec.manifests?.length) {
      const objectChart = this.chartOf("object_chart", { dir: manifestChartDir() });
      for (const m of spec.manifests) {
        installed.push(
          new Release(this, m.id, {
            name: m.name,
            namespace,
            ...objectChart,
            values: [stringify({ manifest: m.object })],
            ...READY,
            dependsOn: [...(this.crdRelease ? [this.crdRelease] : []), this.release, ...installed],
          }),
        );
      }
    }
    this.manifestReleases = installed;
  }

  /** The release arguments naming a chart; a local one becomes an asset of construct id `assetId`. */
  private chartOf(assetId: string, chart: RepositoryChart | LocalChart): { repository?: string; chart: string; version?: string } {
    if ("dir" in chart)
      return { chart: `\${path.module}/${new TerraformAsset(this, assetId, { path: chart.dir, type: AssetType.DIRECTORY }).path}` };
    return { repository: chart.repository, chart: chart.chart, version: chart.version };
  }
}

/** The values that keep the pods where {@link HelmAddonPlacement} says. */
function placementValues(runsOn: HelmAddonPlacement): Record<string, unknown> {
  if (runsOn === "anywhere" || runsOn === "fargate") return {};
  return {
    nodeSelector: { "kubernetes.io/os": "linux", "eks.amazonaws.com/nodegroup": runsOn.nodeGroup },
    ...(runsOn.tolerations?.length ? { tolerations: runsOn.tolerations } : {}),
  };
}
