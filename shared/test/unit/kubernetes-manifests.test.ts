// Offline checks of the Kubernetes manifests in deploy/kubernetes. Every object is validated
// against the Kubernetes schemas that kubernetes-models ships (nothing is downloaded, no cluster
// or kubectl is needed), and the manifests are held to what the deployment relies on: probes,
// graceful termination, resources, scaling, replication, and references that resolve. Those
// schemas accept unknown fields, so a misspelt field passes them: the checks below read the
// fields that matter and fail when they are missing.
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { IContainer, IEnvVar, IPodSpec, IProbe } from 'kubernetes-models/v1';
import type { ConfigDefinition } from '@ecommerce/shared';
import { loadConfig } from '@ecommerce/shared';
import { consoleSettings } from '../../../services/console/src/server/config';
import { inventoryServiceSettings } from '../../../services/inventory-service/src/config';
import { notificationServiceSettings } from '../../../services/notification-service/src/config';
import { orderServiceSettings } from '../../../services/order-service/src/config';
import { serviceHeapFlags } from '../support/service-heap-flags';

const MANIFEST_DIR = path.resolve(__dirname, '../../../deploy/kubernetes');
const KUSTOMIZATION = 'kustomization.yaml';
const NAMESPACE = 'ecommerce';

// ---- Reading the manifests ---------------------------------------------------------------------

interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  /** Throws when the object breaks its schema. */
  validate(): void;
}

/** A kubernetes-models class: the apiVersion and kind it models, and its constructor. */
interface ModelClass<T extends KubernetesObject = KubernetesObject> {
  readonly apiVersion: string;
  readonly kind: string;
  // `never`: each class takes its own input type. What a document holds is for validate() to judge.
  new (data: never): T;
}

// Every kind the manifests may use. Anything else fails the check "of a kind these checks know".
const MODELS: ModelClass[] = [
  Namespace,
  ConfigMap,
  Secret,
  Service,
  ServiceAccount,
  Role,
  RoleBinding,
  Deployment,
  StatefulSet,
  Job,
  HorizontalPodAutoscaler,
  PodDisruptionBudget,
  NetworkPolicy,
];
const typeOf = (value: { apiVersion?: unknown; kind?: unknown }) =>
  `${String(value.apiVersion)} ${String(value.kind)}`;
const MODEL_BY_TYPE = new Map(MODELS.map((model) => [typeOf(model), model]));

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The kubernetes-models object for a parsed document, or undefined for a kind not in MODELS. */
function modelOf(value: unknown): KubernetesObject | undefined {
  if (!isRecord(value)) return undefined;
  const model = MODEL_BY_TYPE.get(typeOf(value));
  return model && new model(value as never);
}

interface Document {
  /** Where it comes from, for messages: "order-service.yaml #2". */
  source: string;
  value: unknown;
}

/** The documents of one file of the folder; YAML errors and warnings fail the whole suite. */
function readDocuments(file: string): Document[] {
  const text = fs.readFileSync(path.join(MANIFEST_DIR, file), 'utf8');
  return parseAllDocuments(text).flatMap((document, index) => {
    const source = `${file} #${index + 1}`;
    const problems = [...document.errors, ...document.warnings];
    if (problems.length > 0) {
      throw new Error(`${source}: ${problems.map((problem) => problem.message).join('; ')}`);
    }
    const value: unknown = document.toJS();
    return value === null ? [] : [{ source, value }];
  });
}

const yamlFiles = fs
  .readdirSync(MANIFEST_DIR)
  .filter((file) => file.endsWith('.yaml'))
  .sort();
const documents = yamlFiles.filter((file) => file !== KUSTOMIZATION).flatMap(readDocuments);
const manifests = documents.map((document) => ({ ...document, object: modelOf(document.value) }));
const objects = manifests.flatMap(({ object }) => (object ? [object] : []));

const describeObject = (object: KubernetesObject) =>
  `${object.kind} ${object.metadata?.name ?? '(no name)'}`;

function all<T extends KubernetesObject>(model: ModelClass<T>): T[] {
  return objects.filter((object): object is T => object instanceof model);
}

function named<T extends KubernetesObject>(model: ModelClass<T>, name: string): T {
  const found = all(model).find((object) => object.metadata?.name === name);
  if (!found) throw new Error(`deploy/kubernetes defines no ${model.kind} named ${name}`);
  return found;
}

// ---- Pods, their containers and their environment ----------------------------------------------

type Workload = Deployment | StatefulSet | Job;
type Labels = Record<string, string>;

const workloads = (): Workload[] => [...all(Deployment), ...all(StatefulSet), ...all(Job)];

function podSpecOf(workload: Workload): IPodSpec {
  const spec = workload.spec?.template.spec;
  if (!spec) throw new Error(`${describeObject(workload)} has no pod template`);
  return spec;
}

const podLabelsOf = (workload: Workload): Labels => workload.spec?.template.metadata?.labels ?? {};

const containersOf = (spec: IPodSpec): IContainer[] => [
  ...(spec.initContainers ?? []),
  ...spec.containers,
];

function containerOf(workload: Workload, name: string): IContainer {
  const container = podSpecOf(workload).containers.find((candidate) => candidate.name === name);
  if (!container) throw new Error(`${describeObject(workload)} has no container ${name}`);
  return container;
}

function configMapData(name: string): Record<string, string> {
  return named(ConfigMap, name).data ?? {};
}

function secretData(name: string): Record<string, string> {
  const secret = named(Secret, name);
  const decoded = Object.entries(secret.data ?? {}).map(([key, value]): [string, string] => [
    key,
    Buffer.from(value, 'base64').toString('utf8'),
  ]);
  return { ...Object.fromEntries(decoded), ...secret.stringData };
}

function entryOf(values: Record<string, string>, key: string, where: string): string {
  const value = values[key];
  if (value === undefined) throw new Error(`${where} has no key ${key}`);
  return value;
}

/** Kubernetes' `$(NAME)` expansion: names defined earlier are replaced, `$$` escapes a `$`. */
const expand = (value: string, earlier: Record<string, string>) =>
  value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name?: string) =>
    name === undefined ? '$' : (earlier[name] ?? match),
  );

function valueOf(variable: IEnvVar, earlier: Record<string, string>): string {
  const { configMapKeyRef, secretKeyRef, fieldRef } = variable.valueFrom ?? {};
  if (configMapKeyRef) {
    const name = configMapKeyRef.name ?? '';
    return entryOf(configMapData(name), configMapKeyRef.key, `ConfigMap ${name}`);
  }
  if (secretKeyRef) {
    const name = secretKeyRef.name ?? '';
    return entryOf(secretData(name), secretKeyRef.key, `Secret ${name}`);
  }
  if (fieldRef) return `<${fieldRef.fieldPath}>`;
  return expand(variable.value ?? '', earlier);
}

/** A container's environment as the kubelet builds it: envFrom, then env, later names winning. */
function environmentOf(container: IContainer): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const { configMapRef, secretRef } = source;
    const values = configMapRef
      ? configMapData(configMapRef.name ?? '')
      : secretRef
        ? secretData(secretRef.name ?? '')
        : {};
    for (const [name, value] of Object.entries(values)) {
      environment[`${source.prefix ?? ''}${name}`] = value;
    }
  }
  for (const variable of container.env ?? []) {
    environment[variable.name] = valueOf(variable, environment);
  }
  return environment;
}

/** Variables that only feed `$(NAME)` in another variable (RabbitMQ's login, for its URL). */
const helperVariablesOf = (container: IContainer): string[] =>
  (container.env ?? []).flatMap((variable) =>
    [...(variable.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)].map(([, name]) => name),
  );

function portOf(container: IContainer, port: string | number | undefined): number | undefined {
  if (typeof port === 'number') return port;
  return container.ports?.find((candidate) => candidate.name === port)?.containerPort;
}

const httpPortOf = (container: IContainer) => portOf(container, 'http');

/** Where an HTTP probe looks: its path and the container port it resolves to. */
function probed(container: IContainer, probe: IProbe | undefined) {
  return { path: probe?.httpGet?.path, port: portOf(container, probe?.httpGet?.port) };
}

/** Seconds a preStop `sleep N` waits (0 without one). */
function preStopSleepOf(container: IContainer): number {
  const [command, seconds] = container.lifecycle?.preStop?.exec?.command ?? [];
  return command === 'sleep' ? Number(seconds) : 0;
}

const BYTES_PER_UNIT: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
};

/** A memory quantity ("256Mi", "1G", 1000000) in bytes. */
function bytesOf(quantity: string | number | undefined): number {
  const match = /^(\d+(?:\.\d+)?)([kMG]|[KMG]i)?$/.exec(String(quantity ?? ''));
  const unit = BYTES_PER_UNIT[match?.[2] ?? ''];
  if (!match || unit === undefined) throw new Error(`Not a memory quantity: ${String(quantity)}`);
  return Number(match[1]) * unit;
}

// ---- Selectors and references ------------------------------------------------------------------

interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values }) => {
    const value = labels[key];
    if (operator === 'In') return value !== undefined && (values ?? []).includes(value);
    if (operator === 'NotIn') return value === undefined || !(values ?? []).includes(value);
    return operator === 'Exists' ? value !== undefined : value === undefined;
  });
  return byLabels && byExpressions;
}

/** The workloads whose pods a selector takes. An empty selector takes nothing here, by design. */
function workloadsSelectedBy(selector: LabelSelector): Workload[] {
  const empty = !selector.matchLabels && !selector.matchExpressions;
  return empty ? [] : workloads().filter((workload) => selects(selector, podLabelsOf(workload)));
}

interface Reference {
  kind: 'ConfigMap' | 'Secret' | 'ServiceAccount';
  name: string;
  key?: string;
}

/** Everything a pod needs to exist before it can start: ConfigMaps, Secrets and their keys. */
function referencesOf(spec: IPodSpec): Reference[] {
  const references: Reference[] = [];
  const add = (kind: Reference['kind'], name: string | undefined, key?: string) =>
    references.push({ kind, name: name ?? '', ...(key === undefined ? {} : { key }) });
  if (spec.serviceAccountName) add('ServiceAccount', spec.serviceAccountName);
  const volumes = new Map((spec.volumes ?? []).map((volume) => [volume.name, volume]));
  for (const volume of volumes.values()) {
    if (volume.configMap) add('ConfigMap', volume.configMap.name);
    if (volume.secret) add('Secret', volume.secret.secretName);
    for (const item of volume.configMap?.items ?? [])
      add('ConfigMap', volume.configMap?.name, item.key);
  }
  for (const container of containersOf(spec)) {
    for (const { configMapRef, secretRef } of container.envFrom ?? []) {
      if (configMapRef) add('ConfigMap', configMapRef.name);
      if (secretRef) add('Secret', secretRef.name);
    }
    for (const { valueFrom } of container.env ?? []) {
      const { configMapKeyRef, secretKeyRef } = valueFrom ?? {};
      if (configMapKeyRef) add('ConfigMap', configMapKeyRef.name, configMapKeyRef.key);
      if (secretKeyRef) add('Secret', secretKeyRef.name, secretKeyRef.key);
    }
    // A file of a whole ConfigMap mounted by subPath is one of its keys.
    for (const mount of container.volumeMounts ?? []) {
      const configMap = volumes.get(mount.name)?.configMap;
      if (configMap && !configMap.items && mount.subPath)
        add('ConfigMap', configMap.name, mount.subPath);
    }
  }
  return references;
}

/** The keys of the referenced object, or undefined when the manifests do not define it. */
function keysOf({ kind, name }: Reference): string[] | undefined {
  const find = <T extends KubernetesObject>(model: ModelClass<T>) =>
    all(model).find((object) => object.metadata?.name === name);
  if (kind === 'ServiceAccount') return find(ServiceAccount) && [];
  if (kind === 'ConfigMap') {
    const configMap = find(ConfigMap);
    return (
      configMap && [
        ...Object.keys(configMap.data ?? {}),
        ...Object.keys(configMap.binaryData ?? {}),
      ]
    );
  }
  const secret = find(Secret);
  return secret && [...Object.keys(secret.data ?? {}), ...Object.keys(secret.stringData ?? {})];
}

/** A Service of that name exposing that port: what an in-cluster URL needs to reach something. */
const serviceExposes = (name: string, port: number) =>
  all(Service).some(
    (service) =>
      service.metadata?.name === name &&
      (service.spec?.ports ?? []).some((candidate) => candidate.port === port),
  );

// ---- The applications --------------------------------------------------------------------------

interface AppService {
  name: string;
  /** Every setting the service reads (its container may set only these). */
  settings: ConfigDefinition;
}

const APP_SERVICES: AppService[] = [
  { name: 'order-service', settings: orderServiceSettings },
  {
    name: 'inventory-service',
    settings: inventoryServiceSettings,
  },
  { name: 'notification-service', settings: notificationServiceSettings },
];
/** Safe with any number of replicas (competing consumers, unique ids): an autoscaler sets it. */
const AUTOSCALED = ['order-service', 'notification-service'];

/** "finishes what it holds, exits 0 within 10 s" (tests-e2e/crash-recovery.test.ts). */
const SHUTDOWN_BUDGET_MS = 10_000;
/**
 * `npm run bench`, resident memory: about 115 MB idle; at most 287 MB at the end of a run (before
 * the heap flags of scripts/lib/common.sh).
 */
const IDLE_RESIDENT_BYTES = 115e6;
const HIGHEST_RESIDENT_BYTES = 287e6;

/** Environment variables a service reads without them being its settings. */
const isRuntimeVariable = (name: string) => name.startsWith('OTEL_') || name === 'NODE_OPTIONS';

const mainContainerOf = (name: string) => containerOf(named(Deployment, name), name);

// ---------------------------------------------------------------------------------------------

describe('deploy/kubernetes', () => {
  it('kustomization.yaml lists every manifest of the folder, and only files that exist', () => {
    const [kustomization] = readDocuments(KUSTOMIZATION);
    const value = kustomization?.value;
    expect(isRecord(value) && value.kind).toBe('Kustomization');
    const resources = isRecord(value) && Array.isArray(value.resources) ? value.resources : [];
    expect([...resources].map(String).sort()).toEqual(yamlFiles.filter((f) => f !== KUSTOMIZATION));
  });

  it('holds only Kubernetes objects of kinds these checks know', () => {
    const unknown = manifests
      .filter(({ object }) => !object)
      .map(({ source, value }) => `${source}: ${isRecord(value) ? typeOf(value) : typeof value}`);
    expect(unknown).toEqual([]);
    expect(objects.length).toBeGreaterThan(0);
  });

  it.each(
    manifests.flatMap(({ source, object }) =>
      object ? [[`${describeObject(object)} (${source})`, object] as const] : [],
    ),
  )('%s is valid against its Kubernetes schema', (_name, object) => {
    expect(() => object.validate()).not.toThrow();
  });

  it('the schema check bites: a Deployment with `replicas: "two"` is refused', () => {
    const broken: unknown = named(Deployment, 'inventory-service').toJSON();
    if (!isRecord(broken) || !isRecord(broken.spec)) throw new Error('Deployment without spec');
    broken.spec.replicas = 'two';
    expect(() => modelOf(broken)?.validate()).toThrow(/replicas/);
    expect(modelOf({ apiVersion: 'example.com/v1', kind: 'Widget' })).toBeUndefined();
  });

  it(`puts everything in the namespace ${NAMESPACE}, which enforces the restricted Pod Security Standard`, () => {
    const elsewhere = objects
      .filter((object) => !(object instanceof Namespace))
      .filter((object) => object.metadata?.namespace !== NAMESPACE)
      .map(describeObject);
    expect(elsewhere).toEqual([]);
    expect(named(Namespace, NAMESPACE).metadata?.labels).toMatchObject({
      'pod-security.kubernetes.io/enforce': 'restricted',
    });
  });

  it('every pod meets the restricted standard (so admission lets it in), with a numeric user', () => {
    const problems = workloads().flatMap((workload) => {
      const spec = podSpecOf(workload);
      const pod = spec.securityContext ?? {};
      return containersOf(spec).flatMap((container) => {
        const own = container.securityContext ?? {};
        // A numeric user: the kubelet cannot check runAsNonRoot against a USER given by name.
        const user = own.runAsUser ?? pod.runAsUser;
        const failed = {
          'may run as root': (own.runAsNonRoot ?? pod.runAsNonRoot) !== true || user === 0,
          'has no numeric runAsUser': user === undefined,
          'has no RuntimeDefault seccomp profile':
            (own.seccompProfile ?? pod.seccompProfile)?.type !== 'RuntimeDefault',
          'may escalate privileges': own.allowPrivilegeEscalation !== false || own.privileged,
          'keeps capabilities': !own.capabilities?.drop?.includes('ALL'),
        };
        return Object.entries(failed)
          .filter(([, isFailed]) => isFailed)
          .map(([problem]) => `${describeObject(workload)}, ${container.name}: ${problem}`);
      });
    });
    expect(problems).toEqual([]);
  });

  it('every ConfigMap, Secret (and key) and ServiceAccount a pod refers to is defined', () => {
    const references = workloads().flatMap((workload) =>
      referencesOf(podSpecOf(workload)).map((reference) => ({ workload, reference })),
    );
    const missing = references
      .filter(({ reference }) => {
        const keys = keysOf(reference);
        return !keys || (reference.key !== undefined && !keys.includes(reference.key));
      })
      .map(({ workload, reference: { kind, name, key } }) =>
        [describeObject(workload), kind, name, key].filter(Boolean).join(' → '),
      );
    expect(missing).toEqual([]);
    expect(references.length).toBeGreaterThan(0);
  });

  it('every workload selects its own pods', () => {
    const strays = workloads()
      .filter((workload) => !(workload instanceof Job))
      .filter((workload) => !selects(workload.spec?.selector, podLabelsOf(workload)))
      .map(describeObject);
    expect(strays).toEqual([]);
  });

  it("every Service selects a workload's pods, on ports that their containers name", () => {
    const problems = all(Service).flatMap((service) => {
      const selected = workloadsSelectedBy({ matchLabels: service.spec?.selector });
      const containers = selected.flatMap((workload) => podSpecOf(workload).containers);
      const unknownPorts = (service.spec?.ports ?? [])
        .map((port) => port.targetPort ?? port.port)
        .filter((port) => !containers.some((container) => portOf(container, port) !== undefined));
      return [
        ...(selected.length === 0 ? [`${describeObject(service)} selects no pods`] : []),
        ...unknownPorts.map((port) => `${describeObject(service)}: no container port ${port}`),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('every PodDisruptionBudget covers exactly one workload, and lets at most one pod go', () => {
    const budgets = all(PodDisruptionBudget).map((budget) => ({
      name: budget.metadata?.name,
      covers: workloadsSelectedBy(budget.spec?.selector ?? {}).map(describeObject),
      maxUnavailable: budget.spec?.maxUnavailable,
    }));
    expect(budgets.filter((budget) => budget.covers.length !== 1)).toEqual([]);
    expect(budgets.filter((budget) => budget.maxUnavailable !== 1)).toEqual([]);
    const covered = new Set(budgets.flatMap((budget) => budget.covers));
    const uncovered = [...all(Deployment), ...all(StatefulSet)]
      .map(describeObject)
      .filter((workload) => !covered.has(workload));
    expect(uncovered).toEqual([]);
  });
});

describe.each(APP_SERVICES)('deploy/kubernetes: $name', (app) => {
  const container = () => mainContainerOf(app.name);
  const configOf = () =>
    loadConfig(app.settings, { env: environmentOf(container()) }) as Record<string, unknown>;

  it('hands the service a valid configuration: its port, its database, the ecommerce vhost', () => {
    const config = configOf();
    expect(config.port).toBe(httpPortOf(container()));
    expect(String(config.mongodbUri)).toMatch(new RegExp(`/${app.name}\\?`));
    const broker = new URL(String(config.rabbitmqUrl));
    expect(broker.pathname).toBe('/ecommerce');
    expect(serviceExposes(broker.hostname, Number(broker.port || 5672))).toBe(true);
  });

  it('sets only variables that the service reads', () => {
    const known = new Set(Object.values(app.settings).map((setting) => setting.env));
    const helpers = new Set(helperVariablesOf(container()));
    const unknown = Object.keys(environmentOf(container())).filter(
      (name) => !known.has(name) && !helpers.has(name) && !isRuntimeVariable(name),
    );
    expect(unknown).toEqual([]);
  });

  it('runs with the heap flags the service has everywhere else', () => {
    expect(environmentOf(container()).NODE_OPTIONS).toBe(serviceHeapFlags());
  });

  it('is ready on /api/health and alive on /api/health/live, on its HTTP port', () => {
    const port = httpPortOf(container());
    expect(port).toBeDefined();
    expect(probed(container(), container().readinessProbe)).toEqual({ path: '/api/health', port });
    expect(probed(container(), container().livenessProbe)).toEqual({
      path: '/api/health/live',
      port,
    });
  });

  it('gets longer to stop than its preStop sleep plus its shutdown budget', () => {
    const { shutdownTimeoutMs } = configOf();
    const graceMs =
      (podSpecOf(named(Deployment, app.name)).terminationGracePeriodSeconds ?? 30) * 1000;
    const neededMs =
      preStopSleepOf(container()) * 1000 + Math.max(Number(shutdownTimeoutMs), SHUTDOWN_BUDGET_MS);
    expect(graceMs).toBeGreaterThan(neededMs);
  });

  it('requests CPU and memory, the request above idle and the limit above the highest measured', () => {
    const { requests = {}, limits = {} } = container().resources ?? {};
    expect(requests.cpu).toBeDefined();
    expect(bytesOf(requests.memory)).toBeGreaterThan(IDLE_RESIDENT_BYTES);
    expect(bytesOf(limits.memory)).toBeGreaterThan(HIGHEST_RESIDENT_BYTES);
    expect(bytesOf(limits.memory)).toBeGreaterThanOrEqual(bytesOf(requests.memory));
  });
});

describe('deploy/kubernetes: scaling', () => {
  const autoscalersOf = (name: string) =>
    all(HorizontalPodAutoscaler).filter(
      ({ spec }) => spec?.scaleTargetRef.kind === 'Deployment' && spec.scaleTargetRef.name === name,
    );

  it.each(AUTOSCALED)(
    '%s: scaled on CPU by an autoscaler from 2 replicas up, none fixed',
    (name) => {
      const [autoscaler, ...others] = autoscalersOf(name);
      expect(others).toEqual([]);
      expect(autoscaler?.spec?.minReplicas).toBeGreaterThanOrEqual(2);
      expect(autoscaler?.spec?.maxReplicas).toBeGreaterThan(autoscaler?.spec?.minReplicas ?? 0);
      expect(autoscaler?.spec?.metrics).toContainEqual(
        expect.objectContaining({
          type: 'Resource',
          resource: expect.objectContaining({
            name: 'cpu',
            target: expect.objectContaining({ type: 'Utilization' }),
          }),
        }),
      );
      // A `replicas` of its own would reset the autoscaler's number on every apply.
      expect(named(Deployment, name).spec?.replicas).toBeUndefined();
    },
  );

  it('inventory-service: a fixed number of replicas, at least 2, and no autoscaler', () => {
    expect(autoscalersOf('inventory-service')).toEqual([]);
    expect(named(Deployment, 'inventory-service').spec?.replicas).toBeGreaterThanOrEqual(2);
  });

  it('every autoscaler targets a Deployment of the manifests', () => {
    const targets = all(HorizontalPodAutoscaler).map(({ spec }) => spec?.scaleTargetRef.name ?? '');
    expect(targets.sort()).toEqual([...AUTOSCALED].sort());
    for (const target of targets) expect(() => named(Deployment, target)).not.toThrow();
  });
});

describe('deploy/kubernetes: the console', () => {
  const container = () => mainContainerOf('console');

  it('gets a valid configuration whose service URLs are the Services of the three services', () => {
    const environment = environmentOf(container());
    const known = Object.values(consoleSettings).map((setting) => setting.env);
    expect(Object.keys(environment).filter((name) => !known.includes(name))).toEqual([]);
    const config = loadConfig(consoleSettings, { env: environment });
    expect(config.port).toBe(httpPortOf(container()));
    for (const url of [
      config.orderServiceUrl,
      config.inventoryServiceUrl,
      config.notificationServiceUrl,
    ]) {
      const { hostname, port } = new URL(url);
      expect(serviceExposes(hostname, Number(port || 80))).toBe(true);
    }
  });

  it('is ready and alive on /api/health/live (it has no dependency of its own)', () => {
    const port = httpPortOf(container());
    const expected = { path: '/api/health/live', port };
    expect(probed(container(), container().readinessProbe)).toEqual(expected);
    expect(probed(container(), container().livenessProbe)).toEqual(expected);
  });
});

describe('deploy/kubernetes: RabbitMQ', () => {
  const rabbitmq = () => named(StatefulSet, 'rabbitmq');
  const rabbitmqConf = () =>
    entryOf(configMapData('rabbitmq-config'), 'rabbitmq.conf', 'rabbitmq-config');

  it('is a StatefulSet of 3 nodes started together, each with its own volume', () => {
    expect(rabbitmq().spec?.replicas).toBe(3);
    expect(rabbitmq().spec?.podManagementPolicy).toBe('Parallel');
    expect(rabbitmq().spec?.volumeClaimTemplates?.length).toBeGreaterThan(0);
  });

  it('names its nodes through a headless Service that publishes them before they are ready', () => {
    const headless = named(Service, rabbitmq().spec?.serviceName ?? '');
    expect(headless.spec?.clusterIP).toBe('None');
    expect(headless.spec?.publishNotReadyAddresses).toBe(true);
    expect(selects({ matchLabels: headless.spec?.selector }, podLabelsOf(rabbitmq()))).toBe(true);
  });

  it('forms the cluster by Kubernetes peer discovery on that Service, with the rights it needs', () => {
    const serviceName = rabbitmq().spec?.serviceName ?? '';
    expect(rabbitmqConf()).toMatch(/^cluster_formation\.peer_discovery_backend = k8s$/m);
    expect(rabbitmqConf()).toContain(`cluster_formation.k8s.service_name = ${serviceName}`);
    expect(configMapData('rabbitmq-config').enabled_plugins).toContain(
      'rabbitmq_peer_discovery_k8s',
    );
    const account = podSpecOf(rabbitmq()).serviceAccountName;
    const binding = all(RoleBinding).find(({ subjects }) =>
      (subjects ?? []).some(({ kind, name }) => kind === 'ServiceAccount' && name === account),
    );
    const role = named(Role, binding?.roleRef.name ?? '');
    expect(role.rules).toContainEqual(
      expect.objectContaining({ resources: ['endpoints'], verbs: expect.arrayContaining(['get']) }),
    );
  });

  it("creates the services' virtual host with quorum queues by default, once every node runs", () => {
    const vhost = new URL(
      String(environmentOf(mainContainerOf('order-service')).RABBITMQ_URL),
    ).pathname.slice(1);
    const script = (containerOf(named(Job, 'rabbitmq-setup'), 'setup').args ?? []).join('\n');
    expect(script).toContain(`put vhosts/${vhost} '{`);
    expect(script).toContain('"default_queue_type":"quorum"');
    expect(script).toContain(`-ge ${rabbitmq().spec?.replicas ?? 0} ]`);
  });
});

describe('deploy/kubernetes: MongoDB', () => {
  const mongodb = () => named(StatefulSet, 'mongodb');
  const replicaSetName = () => {
    const args = containerOf(mongodb(), 'mongodb').args ?? [];
    return args[args.indexOf('--replSet') + 1];
  };
  /** mongodb-0.mongodb, ...: the members' names through the StatefulSet's Service. */
  const memberHosts = () =>
    Array.from(
      { length: mongodb().spec?.replicas ?? 0 },
      (_, index) => `${mongodb().metadata?.name}-${index}.${mongodb().spec?.serviceName}`,
    );

  it('is a StatefulSet of 3 members of one replica set, each with its own volume', () => {
    expect(mongodb().spec?.replicas).toBe(3);
    expect(replicaSetName()).toMatch(/^\w+$/);
    expect(mongodb().spec?.volumeClaimTemplates?.length).toBeGreaterThan(0);
    expect(named(Service, mongodb().spec?.serviceName ?? '').spec?.clusterIP).toBe('None');
  });

  it('its init Job initiates the replica set with the three members, unless it is already', () => {
    const script = (containerOf(named(Job, 'mongodb-init'), 'rs-initiate').args ?? []).join('\n');
    expect(script).toContain(`_id: "${replicaSetName()}"`);
    for (const host of memberHosts()) expect(script).toContain(`host: "${host}:27017"`);
    expect(script).toMatch(/rs\.status\(\)[\s\S]*NotYetInitialized[\s\S]*rs\.initiate\(/);
  });

  it('every MONGODB_URI names the members and the replica set, and asks for majority writes', () => {
    const uris = [
      ...workloads().flatMap((workload) =>
        podSpecOf(workload).containers.map((container) => environmentOf(container).MONGODB_URI),
      ),
      ...all(ConfigMap).map((configMap) => configMap.data?.MONGODB_URI),
    ].filter((uri): uri is string => uri !== undefined);
    expect(uris).toHaveLength(APP_SERVICES.length);
    for (const uri of uris) {
      const match = /^mongodb:\/\/([^/?]+)\/[^?]+\?(.+)$/.exec(uri);
      const options = new URLSearchParams(match?.[2]);
      expect(match?.[1]?.split(',').map((host) => host.replace(/:27017$/, ''))).toEqual(
        memberHosts(),
      );
      expect(options.get('replicaSet')).toBe(replicaSetName());
      expect(options.get('w')).toBe('majority');
    }
  });
});
